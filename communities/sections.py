"""Sections other apps add to a community's page (journal summary, value overview, ...).

The contract
------------
``SECTION_PROVIDERS`` is an ordered list. Each entry is a callable, or the dotted path
of one (``"journal.sections.journal_summary"``, imported on first use, so listing it
here creates no import cycle)::

    def provider(request, community) -> tuple[str, dict] | None

It returns ``(template_name, context)`` to add a section, or ``None`` to add nothing
(for example when there is nothing to show yet and no empty state is wanted).

- Providers are called **only when the viewer may read the community's content**
  (``community.viewer_can_read``); outsiders of a members-only community never reach
  them. A provider must still read its own data through the visibility rule
  (``communities.visibility`` or the models' ``visible_to``).
- ``community`` comes from ``communities.selectors.get_readable_community`` and carries
  ``viewer_role`` ("facilitator", "member", "observer" or None) and ``viewer_can_read``.
- The template is rendered with the provider's context plus ``community`` and
  ``request`` (with the context processors, so ``user``, ``csrf_token`` and ``perms``
  work). Start it with a ``<section class="section" aria-labelledby="...">`` and an
  ``<h2>``; the page lays the sections out in list order.
- Keep the query count of a provider constant (the detail page's count is pinned with
  the providers switched off; pin your own section's count in your app's tests).

To register, add the dotted path to the list below (in the order the sections should
appear), or append the callable in your ``AppConfig.ready()``.

``ACTION_PROVIDERS`` works the same way for buttons in the page header (such as a
Follow button): they are called for everyone who may see the community exists, also
when its content is closed to them, and their template renders inline content.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from communities.models import Community

Provider = Callable[[HttpRequest, Community], "tuple[str, dict] | None"]

# Sections below the community's details, in this order.
SECTION_PROVIDERS: list[Provider | str] = [
    "journal.sections.journal_section",
    "scans.sections.community_section",
    "search.recommendations.community_section",
]

# Buttons in the header of the community page (for everyone who sees the page).
ACTION_PROVIDERS: list[Provider | str] = [
    "notifications.actions.community_follow_action",
]


def _resolve(provider: Provider | str) -> Provider:
    return import_string(provider) if isinstance(provider, str) else provider


def _collect(providers, request: HttpRequest, community: Community) -> list[tuple[str, dict]]:
    results = []
    for entry in providers:
        result = _resolve(entry)(request, community)
        if result is not None:
            results.append(result)
    return results


def _render(pairs, request: HttpRequest, community: Community) -> list[SafeString]:
    return [
        render_to_string(template_name, {**context, "community": community}, request=request)
        for template_name, context in pairs
    ]


def community_sections(request: HttpRequest, community: Community) -> list[tuple[str, dict]]:
    """The (template_name, context) pairs of the sections ``request.user`` may see."""
    if not getattr(community, "viewer_can_read", False):
        return []
    return _collect(SECTION_PROVIDERS, request, community)


def render_sections(request: HttpRequest, community: Community) -> list[SafeString]:
    """The sections as HTML, for the detail template's ``community_sections`` block."""
    return _render(community_sections(request, community), request, community)


def render_actions(request: HttpRequest, community: Community) -> list[SafeString]:
    """The header buttons as HTML (for everyone who may see the community exists)."""
    return _render(_collect(ACTION_PROVIDERS, request, community), request, community)
