"""Template helpers of the community pages."""

from __future__ import annotations

from django import template

from communities.models import MemberRole

register = template.Library()


@register.filter
def role_label(value: str | None) -> str:
    """The translated name of a member role ("facilitator" -> "Facilitator")."""
    if value in MemberRole.values:
        return MemberRole(value).label
    return ""
