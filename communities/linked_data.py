"""What a community page and a lesson (an experience) tell machines: schema.org JSON-LD
and Open Graph.

Machine-readable data leaves the site: search engines keep it, and a share card shows it
to people who cannot open the page. So only what everyone may read carries it: a
**public** community, and an experience outside any community or in a public one.
Members-only and confidential pages carry none, even for their members (see
``communities.visibility``). Pure functions from a model to a dict;
``lib.templatetags.linked_data`` renders them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from communities.models import Community, Visibility
from communities.selectors import PartnerGroup, partner_groups, with_sector_labels
from experiences.models import Experience
from lib.markdown import render_markdown

AbsoluteUrl = Callable[[str], str]

SCHEMA_CONTEXT = "https://schema.org"
OG_DESCRIPTION_LENGTH = 200


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def is_public(community: Community | None) -> bool:
    return community is not None and community.visibility == Visibility.PUBLIC


def is_public_lesson(experience: Experience) -> bool:
    """Whether an experience is public content: outside communities or in a public one."""
    return experience.community_id is None or is_public(experience.community)


def plain_text(markdown: str) -> str:
    """The text of a Markdown field without markup, on one line."""
    return " ".join(strip_tags(render_markdown(markdown)).split())


def _members(community: Community, groups: list[PartnerGroup]) -> list[dict]:
    """Partner organisations with a role, then the names the library lists (once each)."""
    members = []
    seen = set()
    for group in groups:
        for partner in group.partners:
            organisation = {"@type": "Organization", "name": partner.organisation.name}
            if partner.organisation.website:
                organisation["url"] = partner.organisation.website
            members.append(organisation)
            seen.add(partner.organisation.name.casefold())
    for name in community.partners:
        if name.casefold() not in seen:
            members.append({"@type": "Organization", "name": name})
            seen.add(name.casefold())
    return members


def community_json_ld(
    community: Community,
    *,
    absolute_url: AbsoluteUrl,
    partners: list[PartnerGroup] | None = None,
) -> dict | None:
    """schema.org ``Organization``/``Project`` for a public community; None otherwise.

    ``partners`` are the page's partner groups when it has them (saves the query);
    ``community.sector_labels`` is used when the page set it.
    """
    if not is_public(community):
        return None
    if partners is None:
        partners = partner_groups(community)
    if not hasattr(community, "sector_labels"):
        [community] = with_sector_labels([community])
    url = absolute_url(community.get_absolute_url())
    data: dict = {
        "@context": SCHEMA_CONTEXT,
        "@type": ["Organization", "Project"],
        "@id": url,
        "url": url,
        "identifier": community.slug,
        "name": community.name,
        "description": plain_text(community.challenge),
        "knowsAbout": list(community.sector_labels),
        "member": _members(community, partners),
    }
    if community.region:
        data["areaServed"] = {"@type": "Place", "name": community.region}
    return {key: value for key, value in data.items() if value not in ([], "", None)}


def community_open_graph(community: Community, *, absolute_url: AbsoluteUrl) -> dict | None:
    """Open Graph for the share card of a public community; None otherwise."""
    if not is_public(community):
        return None
    return {
        "type": "website",
        "title": community.name,
        "description": Truncator(plain_text(community.challenge)).chars(OG_DESCRIPTION_LENGTH),
        "url": absolute_url(community.get_absolute_url()),
    }


def lesson_open_graph(experience: Experience, *, absolute_url: AbsoluteUrl) -> dict | None:
    """Open Graph for the share card of a public experience; None for one in a
    members-only or confidential community."""
    if not is_public_lesson(experience):
        return None
    return {
        "type": "article",
        "title": gettext("Experience with %(title)s")
        % {"title": experience.instrument.display_title},
        "description": Truncator(" ".join(experience.what_was_done.split())).chars(
            OG_DESCRIPTION_LENGTH
        ),
        "url": absolute_url(experience.get_absolute_url()),
        "published_time": _iso(experience.created_at),
        "modified_time": _iso(experience.updated_at),
    }
