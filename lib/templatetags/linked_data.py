"""Template tags that put an object's linked data in its page: schema.org JSON-LD, Open
Graph tags and a "share on LinkedIn" link.

The data itself comes from each app's ``linked_data`` module (a pure function per model,
returning a dict, or None when the object must not be described, such as a draft or a
members-only community). ``BUILDERS`` names them by model, so this library imports no app.

Usage, in a page's ``{% block meta %}``::

    {% load linked_data %}
    {% open_graph instrument %}
    {% json_ld instrument level_groups=where_it_worked.by_level %}

and in its body ``{% share_on_linkedin instrument %}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# "app_label.model_name" -> (JSON-LD builder, Open Graph builder), dotted paths; None: none.
BUILDERS: dict[str, tuple[str | None, str | None]] = {
    "instruments.instrument": (
        "instruments.linked_data.instrument_json_ld",
        "instruments.linked_data.instrument_open_graph",
    ),
    "communities.community": (
        "communities.linked_data.community_json_ld",
        "communities.linked_data.community_open_graph",
    ),
    "knowledge.concept": (
        "knowledge.linked_data.concept_json_ld",
        "knowledge.linked_data.concept_open_graph",
    ),
    "experiences.experience": (None, "communities.linked_data.lesson_open_graph"),
}

LINKEDIN_SHARE_URL = "https://www.linkedin.com/sharing/share-offsite/"

# Inside <script> the HTML parser looks only for "</script" (and "<!--"): escaping these
# three makes any text inert there, and JSON parsers read the \\u escapes back as the
# characters. U+2028/U+2029 are escaped for old JavaScript parsers.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def json_ld_script(data: dict | None) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element; nothing for None.

    No text in ``data`` can end the element or start markup: see ``_SCRIPT_ESCAPES``.
    """
    if not data:
        return SafeString("")
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    escaped = payload.translate(_SCRIPT_ESCAPES)
    # Safe: ``escaped`` holds no "<", ">" or "&" at all.
    return mark_safe(f'<script type="application/ld+json">{escaped}</script>')  # noqa: S308


def absolute_url_builder(context) -> Callable[[str], str]:
    """Turns a path into an absolute URL: from the request when there is one, so the host
    is the one the visitor used, else from ``settings.SITE_URL``."""
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri
    return lambda path: f"{settings.SITE_URL}{path}"


def _build(kind: int, obj, context, **extra) -> dict | None:
    if obj is None:
        return None
    builders = BUILDERS.get(obj._meta.label_lower)
    if builders is None or builders[kind] is None:
        return None
    builder = import_string(builders[kind])
    return builder(obj, absolute_url=absolute_url_builder(context), **extra)


def linked_data(obj, context) -> dict | None:
    """The JSON-LD dict for ``obj`` (tests and other renderers use it too)."""
    return _build(0, obj, context)


def open_graph_data(obj, context) -> dict | None:
    return _build(1, obj, context)


@register.simple_tag(takes_context=True)
def json_ld(context, obj, **extra) -> SafeString:
    """``obj``'s schema.org description as JSON-LD; keyword arguments go to its builder."""
    return json_ld_script(_build(0, obj, context, **extra))


@register.inclusion_tag("includes/open_graph.html", takes_context=True)
def open_graph(context, obj) -> dict:
    """``obj``'s Open Graph tags (none for an object that must not be described)."""
    return {"og": open_graph_data(obj, context)}


def linkedin_share_url(page_url: str) -> str:
    return f"{LINKEDIN_SHARE_URL}?{urlencode({'url': page_url})}"


@register.inclusion_tag("includes/share_linkedin.html", takes_context=True)
def share_on_linkedin(context, obj) -> dict:
    """A plain link that shares ``obj``'s page on LinkedIn; nothing when the page is not
    public (the same objects that get Open Graph tags may be shared)."""
    og = open_graph_data(obj, context)
    return {"share_href": linkedin_share_url(og["url"]) if og else ""}
