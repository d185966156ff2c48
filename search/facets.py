"""The search page's filters and facet counts (reads only).

The page's state is its URL: ``q`` (the query), ``type`` (document kinds, several allowed),
and the facets ``fase`` (phase), ``soort`` (instrument kind) and ``sector``, with the same
Dutch parameter names as the instrument list.

Which results a facet applies to:

- **fase**: instruments (their phases), experiences (the phase they were used in), journal
  entries (their phase) and communities (their current phase);
- **soort**: instruments only (the kind of instrument: canvas, checklist, ...);
- **sector**: instruments (their sectors), communities (the sector codes in
  ``Community.sectors``) and experiences (their sector).

Within one facet the selected values are alternatives (OR); facets and the type filter
combine (AND). A selected facet keeps only results that carry one of its values, so results
of a kind without that attribute (concepts, questions, ...) drop out while it is selected.

The filters narrow the ranking of the query, they do not re-rank: ``SearchResults.ranked``
(every result above the relevance cut-off, already filtered by the visibility rule) is
filtered here, then paged, and the counts come from the same list. So totals, pages and
the counts beside each value always agree. (Passing the filters to ``selectors.search`` as
``within`` would re-rank the smaller set, and its relative cut-off would let in results
the unfiltered search found too weak: one community counted, 23 shown.) Reading the
attributes costs a fixed number of queries (``result_attributes``), however many results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from instruments.constants import PHASE_ORDER, Kind, Phase
from lib.facets import Facet, FacetOption
from search.models import DocumentKind

MAX_QUERY_CHARS = 500
MAX_VALUES = 20
# Above this many ids an ``IN (...)`` list gets unwieldy; read the whole (small) table instead.
MAX_IN_IDS = 900

TYPE_LABELS = {
    DocumentKind.INSTRUMENT: _("Instruments"),
    DocumentKind.EXPERIENCE: _("Experiences"),
    DocumentKind.COMMUNITY: _("Communities"),
    DocumentKind.JOURNAL_ENTRY: _("Journal entries"),
    DocumentKind.QUESTION: _("Questions"),
    DocumentKind.CONCEPT: _("Concepts"),
}
FACET_NAMES = ("type", "fase", "soort", "sector")

Key = tuple[str, int]  # (document kind, object id)


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    types: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    query_was_cut: bool = False

    @classmethod
    def from_querydict(cls, params: QueryDict) -> SearchFilters:
        """Unknown types, phases and kinds are dropped; a query longer than
        ``MAX_QUERY_CHARS`` is cut there (and the page says so)."""
        query = " ".join(params.get("q", "").split())
        return cls(
            query=query[:MAX_QUERY_CHARS].strip(),
            types=_unique(v for v in params.getlist("type") if v in DocumentKind.values),
            phases=_unique(v for v in params.getlist("fase") if v in PHASE_ORDER),
            kinds=_unique(v for v in params.getlist("soort") if v in Kind.values),
            sectors=_unique(v for v in params.getlist("sector")[:MAX_VALUES] if v),
            query_was_cut=len(query) > MAX_QUERY_CHARS,
        )

    @property
    def has_facets(self) -> bool:
        return bool(self.phases or self.kinds or self.sectors)

    @property
    def is_filtered(self) -> bool:
        return bool(self.types) or self.has_facets

    def as_params(self) -> list[tuple[str, str]]:
        """The filters as URL parameters (for the feed link and 'clear' links)."""
        params = [("q", self.query)] if self.query else []
        params += [("type", v) for v in self.types]
        params += [("fase", v) for v in self.phases]
        params += [("soort", v) for v in self.kinds]
        params += [("sector", v) for v in self.sectors]
        return params


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))[:MAX_VALUES]


@dataclass
class Attributes:
    """What the facets know of one result: its phases, instrument kinds and sectors."""

    phases: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)


def _rows(queryset, ids: list[int], *fields: str) -> list[tuple]:
    if not ids:
        return []
    wanted = set(ids)
    if len(ids) <= MAX_IN_IDS:
        return list(queryset.filter(pk__in=ids).values_list("pk", *fields))
    return [row for row in queryset.values_list("pk", *fields) if row[0] in wanted]


def _link_rows(queryset, ids: list[int], owner: str, *fields: str) -> list[tuple]:
    if not ids:
        return []
    wanted = set(ids)
    if len(ids) <= MAX_IN_IDS:
        return list(queryset.filter(**{f"{owner}__in": ids}).values_list(owner, *fields))
    return [row for row in queryset.values_list(owner, *fields) if row[0] in wanted]


def result_attributes(ranked: Sequence[Key]) -> dict[Key, Attributes]:
    """Phases, instrument kinds and sectors of the ranked results.

    At most six queries, one per table that holds an attribute, each only when results of
    its kind are ranked: instruments (kind), instrument phases, instrument sectors,
    communities (current phase, sectors), experiences (phase, sector) and journal entries
    (phase). The ranked ids are already visibility-filtered; these reads only label them.
    """
    from communities.models import Community
    from experiences.models import Experience
    from instruments.models import Instrument, InstrumentPhase, InstrumentSector
    from journal.models import JournalEntry

    by_kind: dict[str, list[int]] = {}
    for kind, object_id in ranked:
        by_kind.setdefault(kind, []).append(int(object_id))
    attributes: dict[Key, Attributes] = {
        (kind, int(object_id)): Attributes() for kind, object_id in ranked
    }

    def attrs(kind: str, object_id: int) -> Attributes:
        return attributes.setdefault((kind, object_id), Attributes())

    instrument_ids = by_kind.get(DocumentKind.INSTRUMENT, [])
    for pk, kind in _rows(Instrument.objects.all(), instrument_ids, "kind"):
        attrs(DocumentKind.INSTRUMENT, pk).kinds.add(kind)
    for pk, phase in _link_rows(InstrumentPhase.objects.all(), instrument_ids, "instrument_id",
                                "phase"):  # fmt: skip
        attrs(DocumentKind.INSTRUMENT, pk).phases.add(phase)
    for pk, slug in _link_rows(
        InstrumentSector.objects.all(), instrument_ids, "instrument_id", "sector__slug"
    ):
        attrs(DocumentKind.INSTRUMENT, pk).sectors.add(slug)
    for pk, phase, sectors in _rows(
        Community.objects.all(), by_kind.get(DocumentKind.COMMUNITY, []), "current_phase",
        "sectors",
    ):  # fmt: skip
        item = attrs(DocumentKind.COMMUNITY, pk)
        if phase:
            item.phases.add(phase)
        item.sectors.update(str(s) for s in sectors or [] if s)
    for pk, phase, slug in _rows(
        Experience.objects.all(), by_kind.get(DocumentKind.EXPERIENCE, []), "phase",
        "sector__slug",
    ):  # fmt: skip
        item = attrs(DocumentKind.EXPERIENCE, pk)
        if phase:
            item.phases.add(phase)
        if slug:
            item.sectors.add(slug)
    for pk, phase in _rows(
        JournalEntry.objects.all(), by_kind.get(DocumentKind.JOURNAL_ENTRY, []), "phase"
    ):
        if phase:
            attrs(DocumentKind.JOURNAL_ENTRY, pk).phases.add(phase)
    return attributes


def passes(key: Key, item: Attributes, filters: SearchFilters, *, skip: str = "") -> bool:
    """Whether a result passes the type filter and the facets, ignoring facet ``skip``."""
    if filters.types and skip != "type" and key[0] not in filters.types:
        return False
    if filters.phases and skip != "fase" and not item.phases & set(filters.phases):
        return False
    if filters.kinds and skip != "soort" and not item.kinds & set(filters.kinds):
        return False
    return not (filters.sectors and skip != "sector" and not item.sectors & set(filters.sectors))


def matching(
    ranked: Sequence[Key], attributes: dict[Key, Attributes], filters: SearchFilters
) -> list[Key]:
    """The ranked results that pass the type filter and every facet, in rank order."""
    return [key for key in ranked if passes(key, attributes.get(key) or Attributes(), filters)]


def facet_counts(
    ranked: Sequence[Key],
    attributes: dict[Key, Attributes],
    filters: SearchFilters,
    *,
    sector_labels: dict[str, str],
) -> list[Facet]:
    """The options of the type filter and of each facet, each counted over the results
    that pass the *other* filters (as the instrument list counts), so the number next to a
    value is exactly how many results ticking it gives when nothing else in that facet is
    ticked, and how many a second value would add. Values without results drop out,
    except selected ones: they stay (possibly with 0) so a visitor can see and untick them.
    """
    counters: dict[str, Counter] = {name: Counter() for name in FACET_NAMES}
    for key in ranked:
        item = attributes.get(key) or Attributes()
        if passes(key, item, filters, skip="type"):
            counters["type"][key[0]] += 1
        if passes(key, item, filters, skip="fase"):
            counters["fase"].update(item.phases)
        if passes(key, item, filters, skip="soort"):
            counters["soort"].update(item.kinds)
        if passes(key, item, filters, skip="sector"):
            counters["sector"].update(item.sectors)

    def options(name: str, choices, selected: tuple[str, ...]) -> list[FacetOption]:
        counts = counters[name]
        return [
            FacetOption(value, str(label), counts[value], value in selected)
            for value, label in choices
            if counts[value] or value in selected
        ]

    sectors = sorted(
        (
            (slug, sector_labels.get(slug) or slug.replace("-", " ").capitalize())
            for slug in set(counters["sector"]) | set(filters.sectors)
        ),
        key=lambda pair: (-counters["sector"][pair[0]], str(pair[1]).lower()),
    )
    return [
        Facet("type", _("Type"), options("type", TYPE_LABELS.items(), filters.types)),
        Facet(
            "fase", _("Phase"), options("fase", [(p.value, p.label) for p in Phase], filters.phases)
        ),
        Facet("soort", _("Kind of instrument"), options("soort", Kind.choices, filters.kinds)),
        Facet("sector", _("Sector"), options("sector", sectors, filters.sectors)),
    ]


def sector_labels() -> dict[str, str]:
    """Display names of all sectors by code (one query; the table is small)."""
    from instruments.models import Sector

    return {sector.slug: sector.display_name for sector in Sector.objects.all()}
