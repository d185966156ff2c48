"""What scans add to other apps' pages: a section on a community's page (registered in
``communities.sections``) and one on an instrument's page (``instruments.views``)."""

from __future__ import annotations

from communities.models import MemberRole
from scans import selectors


def community_section(request, community) -> tuple[str, dict] | None:
    """The community's rounds with their answer counts and, for facilitators, where to
    start one. Only called for viewers who may read the community's content."""
    rounds = selectors.community_rounds(community)
    for round_ in rounds:
        round_.released = selectors.is_released(round_, round_.response_count)
    is_facilitator = getattr(community, "viewer_role", None) == MemberRole.FACILITATOR
    if not rounds and not is_facilitator:
        return None
    return "scans/_community_section.html", {"rounds": rounds, "is_facilitator": is_facilitator}


def instrument_section(request, instrument) -> dict:
    """The instrument's scans and their anonymous aggregates across public communities."""
    user = request.user
    return {
        "aggregates": selectors.instrument_aggregates(instrument),
        "can_add": user.is_authenticated and (user.is_staff or instrument.owner_id == user.pk),
        "minimum": selectors.minimum_group_size(),
    }
