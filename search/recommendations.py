"""Recommendations built on the search index: "describe your situation" and the blocks on
the instrument, community and question pages.

Every ranked item comes from ``search.selectors`` (``similar_to``, ``similar_to_text``),
which filter by the visibility rule before cutting the ranking; everything else is read
through the models' ``visible_to`` querysets and ``communities.visibility``. So a
confidential community never appears to outsiders, and what members-only or confidential
communities did with an instrument never shows through "used by communities like this".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from communities.selectors import sector_label, sector_labels
from communities.visibility import listed_communities, readable_communities
from experiences.models import Experience
from instruments.constants import PHASE_ORDER, Phase
from instruments.models import Instrument
from journal.models import JournalEntry
from search import selectors
from search.models import DocumentKind
from search.selectors import SearchResult

# How many items each block shows, and how many candidates it looks at for them.
SIMILAR_LIMIT = 5
CONTEXT_LIMIT = 5
SIMILAR_COMMUNITY_LIMIT = 5
SEED_COMMUNITIES = 8
SITUATION_INSTRUMENTS = 15
PER_PHASE = 5
SITUATION_COMMUNITIES = 6
SITUATION_EXPERIENCES = 5
SITUATION_PEOPLE = 8
PEOPLE_ROWS = 200  # experiences read to find the people (newest first)


@dataclass
class CommunityPick:
    """A recommended community: the search result plus what the page shows of it.

    ``other_sector``/``other_region`` say it differs from the sector and region the
    recommendation started from (only meaningful when ``compared`` is true); a community
    without a region is not counted as being elsewhere."""

    result: SearchResult
    community: Community
    sector_labels: list[str]
    other_sector: bool = False
    other_region: bool = False
    compared: bool = False

    @property
    def crossover(self) -> bool:
        return self.compared and self.other_sector and self.other_region


@dataclass
class UsedInstrument:
    """An instrument used (in visible experiences or journal entries) by ``via``."""

    instrument: Instrument
    via: list[Community]
    reason: str = "context"


@dataclass
class Person:
    user: object
    instruments: list[Instrument] = field(default_factory=list)

    @property
    def organisation(self):
        return self.user.organisation


@dataclass
class PhaseGroup:
    phase: str
    label: str
    items: list[tuple[Instrument, SearchResult]]


@dataclass
class InstrumentRecommendations:
    similar: list[SearchResult]
    worked_in_similar_contexts: list[UsedInstrument]
    # True when the contexts were found from communities that used the instrument; False
    # when from the instrument's own text (no readable community used it yet).
    from_usage: bool = False

    def __bool__(self) -> bool:
        return bool(self.similar or self.worked_in_similar_contexts)


@dataclass
class CommunityRecommendations:
    communities: list[CommunityPick]
    instruments: list[UsedInstrument]

    def __bool__(self) -> bool:
        return bool(self.communities or self.instruments)


@dataclass
class SituationMatches:
    text: str
    phases: list[PhaseGroup]
    communities: list[CommunityPick]
    experiences: list[tuple[Experience, SearchResult]]
    people: list[Person]
    compared: bool = False

    @property
    def instrument_count(self) -> int:
        return len({instrument.pk for group in self.phases for instrument, _ in group.items})

    def __bool__(self) -> bool:
        return bool(self.phases or self.communities or self.experiences or self.people)


# ---------------------------------------------------------------- building blocks


def _norm(value: str) -> str:
    return " ".join((value or "").lower().split())


def _community_picks(
    user,
    results: Iterable[SearchResult],
    *,
    sectors: Iterable[str] = (),
    region: str = "",
    exclude_ids: Iterable[int] = (),
    limit: int,
) -> list[CommunityPick]:
    """Communities from ``results`` (already visibility-filtered by the selector), read
    again through ``listed_communities`` for their profile, crossovers first: other
    sectors *and* other region, then one of the two, then the rest, each in rank order.
    One query for the communities, one for sector names when any has sectors."""
    excluded = set(exclude_ids)
    results = [
        r for r in results if r.kind == DocumentKind.COMMUNITY and r.object_id not in excluded
    ]
    if not results:
        return []
    by_id = listed_communities(user).in_bulk([r.object_id for r in results])
    own_sectors = {s for s in sectors if s}
    own_region = _norm(region)
    compared = bool(own_sectors or own_region)
    picks = []
    labels = None
    for result in results:
        community = by_id.get(result.object_id)
        if community is None:
            continue
        if labels is None and community.sectors:
            labels = sector_labels()
        picks.append(
            CommunityPick(
                result=result,
                community=community,
                sector_labels=[sector_label(labels or {}, s) for s in community.sectors],
                other_sector=bool(own_sectors) and not (own_sectors & set(community.sectors)),
                other_region=bool(own_region and community.region)
                and _norm(community.region) != own_region,
                compared=compared,
            )
        )
    if compared:
        picks.sort(key=lambda pick: -(int(pick.other_sector) + int(pick.other_region)))
    return picks[:limit]


def _instruments_used_in(
    user, communities: list[Community], *, exclude_ids: Iterable[int] = (), limit: int
) -> list[UsedInstrument]:
    """Instruments the viewer may see that ``communities`` used, in experiences or journal
    entries the viewer may read; most communities first, then the best-ranked community.
    Three queries (experiences, journal links, instruments)."""
    if not communities:
        return []
    order = {community.pk: position for position, community in enumerate(communities)}
    by_pk = {community.pk: community for community in communities}
    used: dict[int, list[int]] = {}
    pairs = list(
        Experience.objects.visible_to(user)
        .filter(community_id__in=order)
        .values_list("instrument_id", "community_id")
    ) + list(
        JournalEntry.objects.visible_to(user)
        .filter(community_id__in=order, instruments__isnull=False)
        .values_list("instruments", "community_id")
    )
    excluded = set(exclude_ids)
    for instrument_id, community_id in pairs:
        if instrument_id in excluded:
            continue
        via = used.setdefault(instrument_id, [])
        if community_id not in via:
            via.append(community_id)
    if not used:
        return []
    instruments = Instrument.objects.visible_to(user).in_bulk(list(used))
    ranked = sorted(
        (pk for pk in used if pk in instruments),
        key=lambda pk: (-len(used[pk]), min(order[c] for c in used[pk]), instruments[pk].title),
    )
    return [
        UsedInstrument(
            instrument=instruments[pk],
            via=[by_pk[c] for c in sorted(used[pk], key=order.__getitem__)],
        )
        for pk in ranked[:limit]
    ]


def _communities_of(picks: list[CommunityPick]) -> list[Community]:
    return [pick.community for pick in picks]


# ---------------------------------------------------------------- the three pages


def recommendations_for_instrument(user, instrument: Instrument) -> InstrumentRecommendations:
    """Similar instruments, and instruments that worked in similar contexts.

    *Similar*: ``similar_to`` over instruments (nearest in meaning).

    *Worked in similar contexts* — the rule: take the communities whose content the
    viewer may read that used this instrument (an experience or a journal entry linking
    it); find the communities most similar in meaning to them together
    (``similar_to_group``, the using communities themselves left out); when no
    readable community used it, the communities most similar to the instrument itself
    (``similar_to``). Recommend the instruments those communities used in experiences and
    journal entries the viewer may read, most communities first; this instrument and
    those already listed as similar are left out. Members-only and confidential
    communities count only for their members.
    """
    similar = selectors.similar_to(
        user=user,
        kind=DocumentKind.INSTRUMENT,
        key=instrument.slug,
        limit=SIMILAR_LIMIT,
        kinds=[DocumentKind.INSTRUMENT],
    )
    using = list(
        readable_communities(user)
        .filter(
            Q(pk__in=Experience.objects.filter(instrument=instrument).values("community_id"))
            | Q(pk__in=JournalEntry.objects.filter(instruments=instrument).values("community_id"))
        )
        .order_by("-updated_at", "pk")[:SEED_COMMUNITIES]
    )
    if using:
        seeds = selectors.similar_to_group(
            user=user,
            kind=DocumentKind.COMMUNITY,
            keys=[c.slug for c in using],
            limit=SEED_COMMUNITIES,
            kinds=[DocumentKind.COMMUNITY],
        )
    else:
        seeds = selectors.similar_to(
            user=user,
            kind=DocumentKind.INSTRUMENT,
            key=instrument.slug,
            limit=SEED_COMMUNITIES,
            kinds=[DocumentKind.COMMUNITY],
        )
    picks = _community_picks(user, seeds, exclude_ids=[c.pk for c in using], limit=SEED_COMMUNITIES)
    context = _instruments_used_in(
        user,
        _communities_of(picks),
        exclude_ids={instrument.pk, *(r.object_id for r in similar)},
        limit=CONTEXT_LIMIT,
    )
    return InstrumentRecommendations(
        similar=similar, worked_in_similar_contexts=context, from_usage=bool(using)
    )


def recommendations_for_community(user, community: Community) -> CommunityRecommendations:
    """Communities with a similar challenge elsewhere, and the instruments communities
    like this one used.

    Similar communities come from ``similar_to`` (only those ``user`` may see listed);
    those in other sectors and another region than ``community`` come first (the
    crossover). Their instruments are read from the experiences and journal entries
    ``user`` may read, leaving out what this community already used (as far as the
    viewer can see it).
    """
    results = selectors.similar_to(
        user=user,
        kind=DocumentKind.COMMUNITY,
        key=community.slug,
        limit=SEED_COMMUNITIES,
        kinds=[DocumentKind.COMMUNITY],
    )
    picks = _community_picks(
        user,
        results,
        sectors=community.sectors,
        region=community.region,
        exclude_ids=[community.pk],
        limit=SEED_COMMUNITIES,
    )
    own = set(
        Experience.objects.visible_to(user)
        .filter(community=community)
        .values_list("instrument_id", flat=True)
    ) | set(
        JournalEntry.objects.visible_to(user)
        .filter(community=community, instruments__isnull=False)
        .values_list("instruments", flat=True)
    )
    instruments = _instruments_used_in(
        user, _communities_of(picks), exclude_ids=own, limit=CONTEXT_LIMIT
    )
    return CommunityRecommendations(
        communities=picks[:SIMILAR_COMMUNITY_LIMIT], instruments=instruments
    )


def question_text(question) -> str:
    return f"{question.title}\n\n{question.body}".strip()


def recommendations_for_question(user, question) -> list[SearchResult]:
    """Candidate instruments for a question: ``similar_to_text`` on its title and body."""
    return selectors.similar_to_text(
        user=user,
        text=question_text(question),
        limit=SIMILAR_LIMIT,
        kinds=[DocumentKind.INSTRUMENT],
    )


# ---------------------------------------------------------------- describe your situation


def _phase_groups(user, results: list[SearchResult]) -> list[PhaseGroup]:
    """The instruments of ``results`` under each of their phases (in the phases' order),
    at most ``PER_PHASE`` per phase, in rank order; instruments without a phase last.
    Three queries (instruments, phase links, sector links)."""
    if not results:
        return []
    instruments = (
        Instrument.objects.visible_to(user)
        .filter(pk__in=[r.object_id for r in results])
        .prefetch_related("phase_links", "sector_links__sector")
        .in_bulk()
    )
    groups = {phase: [] for phase in PHASE_ORDER}
    without_phase = []
    for result in results:
        instrument = instruments.get(result.object_id)
        if instrument is None:
            continue
        phases = instrument.phase_values
        for phase in phases:
            if len(groups[phase]) < PER_PHASE:
                groups[phase].append((instrument, result))
        if not phases and len(without_phase) < PER_PHASE:
            without_phase.append((instrument, result))
    out = [
        PhaseGroup(phase=phase, label=Phase(phase).label, items=items)
        for phase, items in groups.items()
        if items
    ]
    if without_phase:
        out.append(PhaseGroup(phase="", label=_("Any phase"), items=without_phase))
    return out


def _experiences(user, results: list[SearchResult]) -> list[tuple[Experience, SearchResult]]:
    """The experiences of ``results``, read through ``visible_to`` with their context
    (instrument, community, sector): one query."""
    if not results:
        return []
    experiences = (
        Experience.objects.visible_to(user)
        .filter(pk__in=[r.object_id for r in results])
        .select_related("instrument", "community", "sector")
        .in_bulk()
    )
    return [(experiences[r.object_id], r) for r in results if r.object_id in experiences]


def _people(user, instruments: list[Instrument]) -> list[Person]:
    """People who used ``instruments``: authors of experiences of them that ``user`` may
    read (so never someone whose only experiences are in communities closed to ``user``),
    most instruments first. One query."""
    if not instruments:
        return []
    by_pk = {instrument.pk: instrument for instrument in instruments}
    rows = (
        Experience.objects.visible_to(user)
        .filter(instrument_id__in=by_pk, author__isnull=False, author__is_active=True)
        .select_related("author__organisation")
        .order_by("-created_at", "-id")[:PEOPLE_ROWS]
    )
    people: dict[int, Person] = {}
    for experience in rows:
        person = people.setdefault(experience.author_id, Person(user=experience.author))
        instrument = by_pk[experience.instrument_id]
        if instrument not in person.instruments:
            person.instruments.append(instrument)
    rank = {pk: position for position, pk in enumerate(by_pk)}
    for person in people.values():
        person.instruments.sort(key=lambda i: rank[i.pk])
    ordered = sorted(
        people.values(), key=lambda p: (-len(p.instruments), rank[p.instruments[0].pk])
    )
    return ordered[:SITUATION_PEOPLE]


def situation_matches(user, text: str, *, sector: str = "", region: str = "") -> SituationMatches:
    """What fits a facilitator's description of their community and challenge.

    Instruments grouped by phase, similar communities (those in another sector than
    ``sector`` and another region than ``region`` first, when given; otherwise in rank
    order), experiences from similar contexts, and the people who used the recommended
    instruments. Each item keeps its ``SearchResult`` for the "why".
    """
    instrument_results = selectors.similar_to_text(
        user=user, text=text, limit=SITUATION_INSTRUMENTS, kinds=[DocumentKind.INSTRUMENT]
    )
    community_results = selectors.similar_to_text(
        user=user, text=text, limit=SITUATION_COMMUNITIES * 2, kinds=[DocumentKind.COMMUNITY]
    )
    experience_results = selectors.similar_to_text(
        user=user, text=text, limit=SITUATION_EXPERIENCES, kinds=[DocumentKind.EXPERIENCE]
    )
    phases = _phase_groups(user, instrument_results)
    seen: dict[int, Instrument] = {}
    for group in phases:
        for instrument, _result in group.items:
            seen.setdefault(instrument.pk, instrument)
    ranked = sorted(
        seen.values(),
        key=lambda i: next(n for n, r in enumerate(instrument_results) if r.object_id == i.pk),
    )
    return SituationMatches(
        text=text,
        phases=phases,
        communities=_community_picks(
            user,
            community_results,
            sectors=[sector] if sector else [],
            region=region,
            limit=SITUATION_COMMUNITIES,
        ),
        experiences=_experiences(user, experience_results),
        people=_people(user, ranked),
        compared=bool(sector or region),
    )


# ---------------------------------------------------------------- the community page section


def community_section(request, community) -> tuple[str, dict] | None:
    """The recommendations on a community's page (registered in ``communities.sections``;
    called only for viewers who may read the community's content). ``None`` when there is
    nothing to recommend."""
    recommendations = recommendations_for_community(request.user, community)
    if not recommendations:
        return None
    return "search/includes/recommendations_community.html", {"recommendations": recommendations}
