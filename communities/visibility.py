"""The one visibility rule. Every read path (pages, lists, counts, aggregates,
notifications, digests, and later search, API and feeds) asks these functions.

- A **public** community and everything in it can be read by anyone.
- A **members-only** community is listed to everyone (its name, challenge and profile:
  level, sectors, region, current phase), but its content (journal, experiences,
  members, partners, lessons, design considerations, value stories) only to its members.
- A **confidential** community is not even listed to outsiders; to them it does not exist.

Content that belongs to no community (an experience outside a community, a question)
is public. Staff get no exception: confidential means members only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from communities.models import Community, Membership, Visibility


def _member_community_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user).values("community_id")


def listed_communities(user) -> QuerySet[Community]:
    """Communities whose existence, name and challenge ``user`` may see."""
    queryset = Community.objects.all()
    if user is None or not user.is_authenticated:
        return queryset.exclude(visibility=Visibility.CONFIDENTIAL)
    return queryset.filter(
        ~Q(visibility=Visibility.CONFIDENTIAL) | Q(pk__in=_member_community_ids(user))
    )


def readable_communities(user) -> QuerySet[Community]:
    """Communities whose content ``user`` may read."""
    queryset = Community.objects.all()
    if user is None or not user.is_authenticated:
        return queryset.filter(visibility=Visibility.PUBLIC)
    return queryset.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=_member_community_ids(user)))


def content_filter(user, field: str = "community") -> Q:
    """A filter for content with an optional ``field`` pointing at its community.

    Content without a community is public; content in a community follows it.
    """
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__in": readable_communities(user).values("pk")}
    )


def public_content_filter(field: str = "community") -> Q:
    """Content anyone may read: outside communities or in a public one.

    Used where text feeds something public (an instrument's aggregates and, later,
    its search ranking), so nothing members-only leaks through it.
    """
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__visibility": Visibility.PUBLIC})


def member_role(user, community: Community) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, community=community)
        .values_list("role", flat=True)
        .first()
    )
