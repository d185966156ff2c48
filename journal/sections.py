"""The journal's section on a community's page (registered in ``communities.sections``)."""

from __future__ import annotations

from communities.models import MemberRole
from communities.visibility import member_role, readable_communities
from journal.selectors import journal_summary


def journal_section(request, community) -> tuple[str, dict] | None:
    """The newest entries, a link to the timeline and the value overview.

    ``None`` when the viewer may not read the community's content. Uses the viewer's
    role and read flag that ``communities.selectors.get_community_for_user`` put on
    ``community`` when they are there.
    """
    user = request.user
    can_read = getattr(community, "viewer_can_read", None)
    if can_read is None:
        can_read = readable_communities(user).filter(pk=community.pk).exists()
    if not can_read:
        return None
    role = getattr(community, "viewer_role", None)
    if not hasattr(community, "viewer_role"):
        role = member_role(user, community)
    summary = journal_summary(community=community)
    summary["can_write"] = role in (MemberRole.FACILITATOR, MemberRole.MEMBER)
    return "journal/_community_section.html", {"community": community, "journal_section": summary}
