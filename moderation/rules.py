"""Who may moderate what, and what an author may read of their own held or hidden work.

Content in a members-only or confidential community is moderated by that community's
facilitators only: platform moderators and staff get no exception to the visibility rule
(see ``communities.visibility``). Everything else (public communities and content outside
communities) is moderated by platform moderators and staff; facilitators of a public
community may also moderate their own community's content.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.models import Community, MemberRole, Membership, Visibility
from moderation.constants import ModerationState
from moderation.registry import Kind


def facilitated_communities(user) -> QuerySet[Community]:
    if user is None or not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=MemberRole.FACILITATOR).values(
            "community_id"
        )
    )


def can_moderate_community(user, community: Community | None) -> bool:
    """May ``user`` moderate content that belongs to ``community`` (``None``: no community)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if community is not None and facilitated_communities(user).filter(pk=community.pk).exists():
        return True
    is_public = community is None or community.visibility == Visibility.PUBLIC
    return is_public and user.can_moderate_platform


def can_moderate(user, kind: Kind, obj) -> bool:
    return can_moderate_community(user, kind.community(obj))


def moderatable_cases_filter(user) -> Q:
    """A filter on ``Case`` for the cases ``user`` may see in the queue."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    own = Q(community__in=facilitated_communities(user).values("pk"))
    if not user.can_moderate_platform:
        return own
    return own | Q(community__isnull=True) | Q(community__visibility=Visibility.PUBLIC)


def readable_filter(user, author_field: str = "author") -> Q:
    """Visible content, plus ``user``'s own held or hidden contributions (shown to them
    marked as such). Use on ``Model.all_objects``, after the visibility rule."""
    visible = Q(moderation_state=ModerationState.VISIBLE)
    if user is None or not user.is_authenticated:
        return visible
    return visible | Q(**{author_field: user})
