"""What scans add to other apps' pages: a section on a community's page (registered in
``communities.sections``) and one on an instrument's page (``instruments.views``)."""

from __future__ import annotations

from communities.models import MemberRole
from instruments.services import can_edit_instrument
from scans import selectors


def community_section(request, community) -> tuple[str, dict] | None:
    """The community's rounds with their answer counts and, for facilitators, where to
    start one. Only called for viewers who may read the community's content."""
    rounds = selectors.community_rounds(community)
    is_facilitator = getattr(community, "viewer_role", None) == MemberRole.FACILITATOR
    if not rounds and not is_facilitator:
        return None
    return "scans/_community_section.html", {"rounds": rounds, "is_facilitator": is_facilitator}


def instrument_section(request, instrument) -> dict:
    """The instrument's scans and their anonymous aggregates across public communities."""
    return {
        "aggregates": selectors.instrument_aggregates(instrument),
        "can_add": can_edit_instrument(request.user, instrument),
        "minimum": selectors.minimum_group_size(),
    }
