"""Reads of communities. Everything goes through ``communities.visibility``.

The access helpers (``get_community_for_user``, ``get_readable_community``,
``check_member``, ``check_facilitator``) are what every app uses to reach a community;
the list and detail selectors own their prefetching so pages run a fixed number of
queries (pinned in ``tests/test_query_counts.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Level,
    MemberRole,
    Membership,
    Partner,
)
from communities.visibility import listed_communities, member_role, readable_communities
from instruments.constants import PHASE_ORDER, HelixRole, Phase
from instruments.models import Sector
from lib.facets import Facet, FacetOption

MESSAGE_MEMBERS_ONLY = gettext_noop("Only members of this community can do this.")
MESSAGE_FACILITATORS_ONLY = gettext_noop("Only facilitators of this community can do this.")

FACET_NAMES = ("fase", "niveau", "sector")


def with_viewer(queryset: QuerySet[Community], user) -> QuerySet[Community]:
    """Annotate ``viewer_role`` (None for non-members) and ``viewer_can_read``.

    Both come from the visibility rule, as subqueries, so a list costs no extra query.
    """
    if user is None or not user.is_authenticated:
        return queryset.annotate(
            viewer_role=Value(None, output_field=CharField()),
            viewer_can_read=Exists(readable_communities(user).filter(pk=OuterRef("pk"))),
        )
    return queryset.annotate(
        viewer_role=Subquery(
            Membership.objects.filter(community=OuterRef("pk"), user=user).values("role")[:1]
        ),
        viewer_can_read=Exists(readable_communities(user).filter(pk=OuterRef("pk"))),
    )


def get_community_for_user(*, user, slug: str) -> Community:
    """The community if ``user`` may know it exists; otherwise 404 (as if it did not).

    The result carries ``viewer_role`` (facilitator/member/observer or None) and
    ``viewer_can_read`` (whether ``user`` may read its content). One query.
    """
    community = with_viewer(listed_communities(user).filter(slug=slug), user).first()
    if community is None:
        raise Http404
    return community


def get_readable_community(*, user, slug: str) -> Community:
    """The community whose content ``user`` may read; 404 for outsiders of closed ones."""
    community = get_community_for_user(user=user, slug=slug)
    if not community.viewer_can_read:
        raise Http404
    return community


def check_member(user, community: Community) -> str:
    """Raise PermissionDenied unless ``user`` is a facilitator or member (observers read only)."""
    role = member_role(user, community)
    if role not in (MemberRole.FACILITATOR, MemberRole.MEMBER):
        raise PermissionDenied(_(MESSAGE_MEMBERS_ONLY))
    return role


def check_facilitator(user, community: Community) -> None:
    if member_role(user, community) != MemberRole.FACILITATOR:
        raise PermissionDenied(_(MESSAGE_FACILITATORS_ONLY))


def get_invitation_by_token(token: str, *, for_update: bool = False) -> Invitation | None:
    """The invitation behind a link's token, or None. Only hashes are stored."""
    if for_update:
        queryset = Invitation.objects.select_for_update().select_related("community")
    else:
        queryset = Invitation.objects.select_related("community", "invited_by")
    return queryset.filter(token_hash=Invitation.hash_token(token)).first()


# --- the list page -----------------------------------------------------------------


@dataclass(frozen=True)
class CommunityFilters:
    """The state of the list page; parameter names are the Dutch words in its URL."""

    phases: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    @classmethod
    def from_querydict(cls, params: QueryDict) -> CommunityFilters:
        """Unknown phase or level values are dropped rather than failing the page."""
        return cls(
            phases=tuple(v for v in params.getlist("fase") if v in PHASE_ORDER),
            levels=tuple(v for v in params.getlist("niveau") if v in Level.values),
            sectors=tuple(v for v in params.getlist("sector")[:20] if v),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.phases or self.levels or self.sectors)

    def matches(self, row: dict, *, skip: str = "") -> bool:
        """Whether a (level, phase, sectors) row passes the filters, ignoring facet ``skip``."""
        if self.phases and skip != "fase" and row["current_phase"] not in self.phases:
            return False
        if self.levels and skip != "niveau" and row["level"] not in self.levels:
            return False
        return not self.sectors or skip == "sector" or bool(set(self.sectors) & set(row["sectors"]))


def _sector_filter(sectors: tuple[str, ...]) -> Q:
    """Communities carrying any of ``sectors``.

    ``sectors`` is a JSON list of codes; matching the quoted code in its text works on
    SQLite and PostgreSQL alike (JSON ``contains`` is not available on SQLite).
    """
    query = Q()
    for slug in sectors:
        query |= Q(sectors__icontains=f'"{slug}"')
    return query


def community_list(*, user, filters: CommunityFilters) -> QuerySet[Community]:
    """The communities listed to ``user``, filtered, with what a card shows.

    ``member_count`` is always annotated but a card shows it only when
    ``viewer_can_read`` (members are content of a community).
    """
    queryset = listed_communities(user)
    if filters.phases:
        queryset = queryset.filter(current_phase__in=filters.phases)
    if filters.levels:
        queryset = queryset.filter(level__in=filters.levels)
    if filters.sectors:
        queryset = queryset.filter(_sector_filter(filters.sectors))
    queryset = with_viewer(queryset, user).annotate(member_count=Count("memberships"))
    return queryset.order_by("name", "pk")


def community_facets(*, user, filters: CommunityFilters, labels: dict[str, str]) -> list[Facet]:
    """Facet counts over the communities listed to ``user`` (one query for all three).

    Each facet counts the communities that match the other facets' selections, the
    way the instrument list does. Communities are few (hundreds, not thousands), so
    counting their (level, phase, sectors) rows in Python is cheap and works on any
    database. ``labels`` are the sector names from ``sector_labels()``.
    """
    rows = list(listed_communities(user).values("level", "current_phase", "sectors"))
    phases = Counter(
        r["current_phase"] for r in rows if r["current_phase"] and filters.matches(r, skip="fase")
    )
    levels = Counter(r["level"] for r in rows if r["level"] and filters.matches(r, skip="niveau"))
    sectors: Counter = Counter()
    for r in rows:
        if filters.matches(r, skip="sector"):
            sectors.update(set(r["sectors"]))
    return [
        Facet("fase", _("Current phase"), _options(Phase.choices, phases, filters.phases)),
        Facet("niveau", _("Level"), _options(Level.choices, levels, filters.levels)),
        Facet(
            "sector",
            _("Sector"),
            sorted(
                _options(
                    [
                        (slug, sector_label(labels, slug))
                        for slug in set(sectors) | set(filters.sectors)
                    ],
                    sectors,
                    filters.sectors,
                ),
                key=lambda option: option.label.lower(),
            ),
        ),
    ]


def _options(choices, counts: Counter, selected: tuple[str, ...]) -> list[FacetOption]:
    """Values with no result drop out, except selected ones (so they can be unticked)."""
    return [
        FacetOption(value, label, counts[value], value in selected)
        for value, label in choices
        if counts[value] or value in selected
    ]


def sector_labels() -> dict[str, str]:
    """Display names of all sectors by code (one query; the table is small)."""
    return {sector.slug: sector.display_name for sector in Sector.objects.all()}


def sector_label(labels: dict[str, str], slug: str) -> str:
    """A code the site does not know shows as a readable version of itself."""
    return labels.get(slug) or slug.replace("-", " ").capitalize()


def with_sector_labels(communities, labels: dict[str, str] | None = None) -> list[Community]:
    """Give each community ``sector_labels`` (at most one query for all of them)."""
    communities = list(communities)
    if labels is None:
        labels = sector_labels() if any(c.sectors for c in communities) else {}
    for community in communities:
        community.sector_labels = [sector_label(labels, slug) for slug in community.sectors]
    return communities


# --- the detail page ---------------------------------------------------------------


@dataclass
class PartnerGroup:
    role: str
    label: str
    partners: list[Partner]


def partner_groups(community: Community) -> list[PartnerGroup]:
    """Partner organisations grouped by helix role, in the helix's order (one query)."""
    partners = list(
        Partner.objects.filter(community=community)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return [
        PartnerGroup(role.value, role.label, [p for p in partners if p.helix_role == role.value])
        for role in HelixRole
        if any(p.helix_role == role.value for p in partners)
    ]


ROLE_ORDER = {MemberRole.FACILITATOR: 0, MemberRole.MEMBER: 1, MemberRole.OBSERVER: 2}


def community_members(community: Community) -> list[Membership]:
    """Members with their user, facilitators first (one query).

    The caller has checked that the viewer may read ``community``'s content.
    """
    memberships = list(Membership.objects.filter(community=community).select_related("user"))
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 9), m.joined_at))


def pending_join_requests(community: Community) -> QuerySet[JoinRequest]:
    """Open requests to join, oldest first (for facilitators)."""
    return (
        JoinRequest.objects.filter(community=community, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def open_invitations(community: Community) -> QuerySet[Invitation]:
    """Invitations not yet accepted that still work (for facilitators)."""
    return (
        Invitation.objects.filter(
            community=community, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def has_pending_join_request(user, community: Community) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).exists()


def is_facilitator(community: Community) -> bool:
    """From the ``viewer_role`` annotation of the access helpers (no query)."""
    return community.viewer_role == MemberRole.FACILITATOR
