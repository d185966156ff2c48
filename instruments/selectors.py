"""Reads of the instrument library. Every read starts from ``Instrument.objects.visible_to``.

Selectors own prefetching and ordering so that list pages run a fixed number of
queries however many instruments they show (pinned in ``tests/test_query_counts.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from instruments import catalogue, counts
from instruments.constants import PHASE_ORDER, PHASE_QUESTIONS, Kind, Phase
from instruments.models import (
    Audience,
    Instrument,
    InstrumentAudience,
    InstrumentPhase,
    InstrumentRelation,
    InstrumentSector,
    Sector,
)
from lib.facets import Facet, FacetOption

FACET_NAMES = ("fase", "soort", "sector", "doelgroep")


@dataclass(frozen=True)
class InstrumentFilters:
    """The state of the list page; parameter names are the Dutch words in its URL."""

    query: str = ""
    phases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()

    @classmethod
    def from_querydict(cls, params: QueryDict) -> InstrumentFilters:
        """Unknown phase or kind values are dropped rather than failing the page."""
        return cls(
            query=params.get("q", "").strip()[:200],
            phases=tuple(v for v in params.getlist("fase") if v in PHASE_ORDER),
            kinds=tuple(v for v in params.getlist("soort") if v in Kind.values),
            sectors=tuple(params.getlist("sector")[:20]),
            audiences=tuple(params.getlist("doelgroep")[:20]),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.query or self.phases or self.kinds or self.sectors or self.audiences)


def with_card_relations(queryset: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """What an instrument card shows: phases and sectors (two extra queries in total)."""
    return queryset.prefetch_related(
        "phase_links",
        Prefetch("sector_links", queryset=InstrumentSector.objects.select_related("sector")),
    )


def _apply_filters(
    queryset: QuerySet[Instrument], filters: InstrumentFilters, *, skip: str = ""
) -> QuerySet[Instrument]:
    """Within one facet values are alternatives (OR); across facets they combine (AND)."""
    if filters.query:
        for word in filters.query.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(title_en__icontains=word) | Q(summary__icontains=word)
            )
    if filters.phases and skip != "fase":
        queryset = queryset.filter(
            pk__in=InstrumentPhase.objects.filter(phase__in=filters.phases).values("instrument")
        )
    if filters.kinds and skip != "soort":
        queryset = queryset.filter(kind__in=filters.kinds)
    if filters.sectors and skip != "sector":
        queryset = queryset.filter(
            pk__in=InstrumentSector.objects.filter(sector__slug__in=filters.sectors).values(
                "instrument"
            )
        )
    if filters.audiences and skip != "doelgroep":
        queryset = queryset.filter(
            pk__in=InstrumentAudience.objects.filter(audience__slug__in=filters.audiences).values(
                "instrument"
            )
        )
    return queryset


def instrument_list(*, user, filters: InstrumentFilters) -> QuerySet[Instrument]:
    queryset = _apply_filters(Instrument.objects.visible_to(user), filters)
    return with_card_relations(queryset.order_by("title", "pk"))


def _tag_counts(tags: QuerySet, instruments: QuerySet, *, selected: tuple[str, ...]) -> QuerySet:
    """Sectors or audiences with the number of ``instruments`` that carry them.

    Values with no result drop out, except selected ones: they stay listed (with 0) so
    a visitor can still see and untick them.
    """
    counted = tags.annotate(
        n=Count(
            "instrument_links__instrument",
            filter=Q(instrument_links__instrument__in=instruments),
            distinct=True,
        )
    )
    return counted.filter(Q(n__gt=0) | Q(slug__in=selected))


def _facet_counts(*, user, filters: InstrumentFilters) -> dict:
    """The raw counts behind the facets (four queries), plain data so that it can be cached.

    Counting a facet without its own selection lets a visitor see how many results a
    second value of the same facet would add. Phases are counted without DISTINCT: an
    instrument has each phase once (``unique_instrument_phase``).
    """
    visible = Instrument.objects.visible_to(user)
    phase_counts = dict(
        InstrumentPhase.objects.filter(instrument__in=_apply_filters(visible, filters, skip="fase"))
        .values_list("phase")
        .annotate(n=Count("pk"))
        .order_by()
    )
    kind_counts = dict(
        _apply_filters(visible, filters, skip="soort")
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sector_rows = _tag_counts(
        Sector.objects.order_by("name"),
        _apply_filters(visible, filters, skip="sector"),
        selected=filters.sectors,
    )
    audience_rows = _tag_counts(
        Audience.objects.order_by("name"),
        _apply_filters(visible, filters, skip="doelgroep"),
        selected=filters.audiences,
    ).order_by("-n", "name")
    return {
        "fase": phase_counts,
        "soort": kind_counts,
        "sector": [(t.slug, t.name, t.name_en, t.n) for t in sector_rows],
        "doelgroep": [(t.slug, t.name, t.name_en, t.n) for t in audience_rows],
    }


def _build_facets(counts: dict, filters: InstrumentFilters) -> list[Facet]:
    """Facets in the reader's language from ``_facet_counts`` (cached or fresh)."""
    phase_counts, kind_counts = counts["fase"], counts["soort"]
    return [
        Facet(
            "fase",
            _("Phase"),
            [
                FacetOption(p.value, p.label, phase_counts.get(p.value, 0), p in filters.phases)
                for p in Phase
            ],
        ),
        Facet(
            "soort",
            _("Kind"),
            [
                FacetOption(k.value, k.label, kind_counts.get(k.value, 0), k in filters.kinds)
                for k in Kind
                if kind_counts.get(k.value) or k in filters.kinds
            ],
        ),
        Facet(
            "sector",
            _("Sector"),
            [
                FacetOption(
                    slug,
                    Sector(slug=slug, name=name, name_en=name_en).display_name,
                    n,
                    slug in filters.sectors,
                )
                for slug, name, name_en, n in counts["sector"]
            ],
        ),
        Facet(
            "doelgroep",
            _("Audience"),
            [
                FacetOption(
                    slug,
                    Audience(slug=slug, name=name, name_en=name_en).display_name,
                    n,
                    slug in filters.audiences,
                )
                for slug, name, name_en, n in counts["doelgroep"]
            ],
        ),
    ]


def instrument_facets(*, user, filters: InstrumentFilters) -> list[Facet]:
    """Counts per facet value, each counted with the other facets applied (four queries)."""
    return _build_facets(_facet_counts(user=user, filters=filters), filters)


class _CachedResults:
    """The ordered results of the list for ``Paginator``: the total and the ids of each
    page come from the cache (``instruments.counts``); only the page's own instruments
    are read (by primary key, in the cached order). Why: sorting and counting the filtered
    list reads every matching instrument."""

    def __init__(self, user, queryset: QuerySet[Instrument], total: int, prefix: str, filter_key):
        self.user = user
        self.queryset = queryset
        self.total = total
        self.prefix = prefix
        self.filter_key = filter_key

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[Instrument]:
        key = counts.key_for(self.prefix, "ids", self.filter_key, window.start, window.stop)
        ids = cache.get(key)
        if ids is None:
            rows = list(self.queryset[window])
            cache.set(key, [row.pk for row in rows], counts.timeout())
            return rows
        return _rows_in_order(self.user, ids)


class _TableResults:
    """The ordered results of the list for ``Paginator`` from the in-memory public
    catalogue (``instruments.catalogue``): only the page's own instruments are read."""

    def __init__(self, user, ids) -> None:
        self.user = user
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list[Instrument]:
        return _rows_in_order(self.user, [int(pk) for pk in self.ids[window]])


def _rows_in_order(user, ids: list[int]) -> list[Instrument]:
    """The instruments ``ids`` in that order, by primary key under the visibility rule
    alone: the filters were applied when the ids were chosen, for this catalogue version
    (re-applying them reads every match)."""
    if not ids:
        return []
    visible = with_card_relations(Instrument.objects.visible_to(user))
    by_pk = {row.pk: row for row in visible.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def instrument_list_page(
    *, user, filters: InstrumentFilters, page_number, per_page: int
) -> tuple[Page, list[Facet]]:
    """One page of the filtered list and its facets.

    Readers of the public catalogue filtering by facets alone get all of it from the
    catalogue held in memory per catalogue version (``instruments.catalogue``): the page
    reads the version and its own 20 instruments, whatever the size of the library and
    however new the combination of filters. Other readers who share a catalogue
    (``counts.catalogue_key``: staff, or a text query) get the total, the facet counts
    and the page's ids cached per catalogue version. Everyone else, and a first request,
    counts live.
    """
    queryset = instrument_list(user=user, filters=filters)
    prefix = counts.catalogue_key(user)
    if prefix is None:
        page = Paginator(queryset, per_page).get_page(page_number)
        return page, instrument_facets(user=user, filters=filters)
    if not filters.query and counts.audience_of(prefix) == counts.PUBLIC:
        table = catalogue.public_table(prefix)
        page = Paginator(_TableResults(user, table.ordered_ids(filters)), per_page)
        return page.get_page(page_number), _build_facets(table.facet_counts(filters), filters)
    filter_key = asdict(filters)
    summary_key = counts.key_for(prefix, "list", filter_key)
    summary = cache.get(summary_key)
    if summary is None:
        summary = {
            "total": queryset.count(),
            "facets": _facet_counts(user=user, filters=filters),
        }
        cache.set(summary_key, summary, counts.timeout())
    results = _CachedResults(user, queryset, summary["total"], prefix, filter_key)
    page = Paginator(results, per_page).get_page(page_number)
    return page, _build_facets(summary["facets"], filters)


def get_instrument_for_user(*, user, slug: str) -> Instrument:
    """The instrument with everything its page shows, or 404 (a draft looks missing)."""
    queryset = Instrument.objects.visible_to(user).select_related("organisation", "owner")
    queryset = queryset.prefetch_related(
        "phase_links",
        Prefetch("sector_links", queryset=InstrumentSector.objects.select_related("sector")),
        Prefetch("audience_links", queryset=InstrumentAudience.objects.select_related("audience")),
        Prefetch(
            "relation_links",
            # A correlated EXISTS, not ``to_instrument__in=visible``: SQLite would first
            # list every visible instrument (40k rows at 100k items, ~200 ms) to keep a
            # handful of relations; EXISTS looks up each related instrument by its key.
            queryset=InstrumentRelation.objects.filter(
                Exists(Instrument.objects.visible_to(user).filter(pk=OuterRef("to_instrument_id")))
            ).select_related("to_instrument"),
        ),
        "links",
        "attachments",
        "concepts",
    )
    instrument = queryset.filter(slug=slug).first()
    if instrument is None:
        raise Http404
    return instrument


def _phase_counts(user) -> dict[str, int]:
    """Visible instruments per phase (one query; no DISTINCT: a phase is linked once)."""
    return dict(
        InstrumentPhase.objects.filter(instrument__in=Instrument.objects.visible_to(user))
        .values_list("phase")
        .annotate(n=Count("pk"))
        .order_by()
    )


def phase_overview(*, user) -> list[dict]:
    """The four phases with their guiding question and number of visible instruments.

    The counts are cached per catalogue version for readers who share a catalogue
    (``instruments.counts``): counting reads every instrument.
    """
    prefix = counts.catalogue_key(user)
    key = counts.key_for(prefix, "phases") if prefix else None
    phase_counts = cache.get(key) if key else None
    if phase_counts is None:
        phase_counts = _phase_counts(user)
        if key:
            cache.set(key, phase_counts, counts.timeout())
    return [
        {"phase": p, "question": PHASE_QUESTIONS[p], "count": phase_counts.get(p.value, 0)}
        for p in Phase
    ]


def phase_guide(*, user, phase: Phase, concept_limit: int = 12) -> dict:
    """A phase's instruments grouped by kind, and the concepts most of them build on."""
    from knowledge.models import Concept

    in_phase = Instrument.objects.visible_to(user).filter(phase_links__phase=phase)
    instruments = list(with_card_relations(in_phase.order_by("title", "pk")))
    groups: OrderedDict[str, list[Instrument]] = OrderedDict()
    for kind in Kind:
        members = [i for i in instruments if i.kind == kind.value]
        if members:
            groups[kind.label] = members
    concepts = list(
        Concept.objects.filter(instruments__in=in_phase.values("pk"))
        .annotate(n=Count("instruments", distinct=True))
        .order_by("-n", "term")[:concept_limit]
    )
    return {"phase": phase, "question": PHASE_QUESTIONS[phase], "groups": groups,
            "count": len(instruments), "concepts": concepts}  # fmt: skip


def instrument_record(instrument: Instrument) -> dict:
    """The instrument's current record (as exported and revisioned)."""
    from instruments.records import instrument_to_record, with_record_relations

    return instrument_to_record(
        with_record_relations(Instrument.objects.filter(pk=instrument.pk)).get()
    )
