"""The Follow button in a community's page header (see ``communities.sections``)."""

from __future__ import annotations


def community_follow_action(request, community) -> tuple[str, dict]:
    """The follow tag decides itself whether to show a button, a login link or nothing."""
    return "notifications/_community_follow.html", {}
