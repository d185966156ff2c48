"""Reads of the instrument library. Every read starts from ``Instrument.objects.visible_to``.

Selectors own prefetching and ordering so that list pages run a fixed number of
queries however many instruments they show (pinned in ``tests/test_query_counts.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

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


def instrument_facets(*, user, filters: InstrumentFilters) -> list[Facet]:
    """Counts per facet value, each counted with the other facets applied (four queries).

    Counting a facet without its own selection lets a visitor see how many results a
    second value of the same facet would add.
    """
    visible = Instrument.objects.visible_to(user)
    phase_counts = dict(
        InstrumentPhase.objects.filter(instrument__in=_apply_filters(visible, filters, skip="fase"))
        .values_list("phase")
        .annotate(n=Count("instrument", distinct=True))
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
                FacetOption(s.slug, s.display_name, s.n, s.slug in filters.sectors)
                for s in sector_rows
            ],
        ),
        Facet(
            "doelgroep",
            _("Audience"),
            [
                FacetOption(a.slug, a.display_name, a.n, a.slug in filters.audiences)
                for a in audience_rows
            ],
        ),
    ]


def get_instrument_for_user(*, user, slug: str) -> Instrument:
    """The instrument with everything its page shows, or 404 (a draft looks missing)."""
    queryset = Instrument.objects.visible_to(user).select_related("organisation", "owner")
    queryset = queryset.prefetch_related(
        "phase_links",
        Prefetch("sector_links", queryset=InstrumentSector.objects.select_related("sector")),
        Prefetch("audience_links", queryset=InstrumentAudience.objects.select_related("audience")),
        Prefetch(
            "relation_links",
            queryset=InstrumentRelation.objects.filter(
                to_instrument__in=Instrument.objects.visible_to(user)
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


def phase_overview(*, user) -> list[dict]:
    """The four phases with their guiding question and number of visible instruments."""
    counts = dict(
        InstrumentPhase.objects.filter(instrument__in=Instrument.objects.visible_to(user))
        .values_list("phase")
        .annotate(n=Count("instrument", distinct=True))
    )
    return [
        {"phase": p, "question": PHASE_QUESTIONS[p], "count": counts.get(p.value, 0)} for p in Phase
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
