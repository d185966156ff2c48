"""The public instrument catalogue held as arrays, once per catalogue version: the list
page's facet counts, result count and page of ids for any combination of facet filters,
without counting rows.

Why: the list page counts four facets and the matching instruments, and sorts the
matches, for every combination of filters a visitor picks. At 100,000 items (40,000
public instruments) that cost about 350 ms on SQLite, and the combinations are many
(phase × sector × kind × audience), so the counts cached per combination
(``instruments.counts``) seldom helped under load. Here the catalogue is read once per
process per catalogue version (a handful of queries, about 0.4 s at that size) and each
combination is then a few vector operations.

What it may answer: only readers of the public catalogue (``counts.shared_audience`` is
"public"), the instruments ``Instrument.objects.visible_to`` gives an anonymous visitor,
and only facet filters. A text query, staff and providers with drafts keep the counted
path in ``instruments.selectors``. The catalogue version (``counts.catalogue_key``)
changes in the transaction of every write the counts read, so a table is never used for
a catalogue it was not read from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AnonymousUser

from instruments.constants import Phase
from instruments.models import (
    Audience,
    Instrument,
    InstrumentAudience,
    InstrumentPhase,
    InstrumentSector,
    Sector,
)


@dataclass(frozen=True)
class CatalogueTable:
    """Visible instruments in list order (title, pk), with a boolean column per facet value."""

    ids: np.ndarray
    kinds: np.ndarray
    phases: dict[str, np.ndarray]
    sectors: dict[str, np.ndarray]
    audiences: dict[str, np.ndarray]
    sector_rows: list[tuple[str, str, str]]
    """(slug, name, name_en) of every sector, in the database's order by name."""
    audience_rows: list[tuple[str, str, str]]

    def matching(self, filters, *, skip: str = "") -> np.ndarray:
        """Which instruments pass ``filters`` (an ``InstrumentFilters`` without a text
        query), the facet ``skip`` left out: within a facet values are alternatives (OR),
        across facets they combine (AND), as in ``selectors._apply_filters``."""
        mask = np.ones(len(self.ids), dtype=bool)
        for name, wanted, columns in (
            ("fase", filters.phases, self.phases),
            ("sector", filters.sectors, self.sectors),
            ("doelgroep", filters.audiences, self.audiences),
        ):
            if wanted and skip != name:
                mask &= _any_of(columns, wanted, len(self.ids))
        if filters.kinds and skip != "soort":
            mask &= np.isin(self.kinds, list(filters.kinds))
        return mask

    def ordered_ids(self, filters) -> np.ndarray:
        return self.ids[self.matching(filters)]

    def facet_counts(self, filters) -> dict:
        """The same data as ``selectors._facet_counts``: each facet counted with the other
        facets applied; sectors and audiences without results drop out unless selected."""
        by_phase = self.matching(filters, skip="fase")
        kinds, counts = np.unique(
            self.kinds[self.matching(filters, skip="soort")], return_counts=True
        )
        return {
            "fase": _nonzero(
                {phase: int((by_phase & column).sum()) for phase, column in self.phases.items()}
            ),
            "soort": {str(kind): int(n) for kind, n in zip(kinds, counts, strict=True)},
            "sector": _tag_rows(
                self.sector_rows,
                self.sectors,
                self.matching(filters, skip="sector"),
                filters.sectors,
            ),
            "doelgroep": sorted(
                _tag_rows(
                    self.audience_rows,
                    self.audiences,
                    self.matching(filters, skip="doelgroep"),
                    filters.audiences,
                ),
                key=lambda row: -row[3],  # a stable sort keeps the order by name among equals
            ),
        }


def _any_of(columns: dict[str, np.ndarray], wanted: Iterable[str], size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for value in wanted:
        if value in columns:
            mask |= columns[value]
    return mask


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {value: n for value, n in counts.items() if n}


def _tag_rows(rows, columns, mask: np.ndarray, selected: tuple[str, ...]) -> list[tuple]:
    counted = [
        (slug, name, name_en, int((mask & columns[slug]).sum())) for slug, name, name_en in rows
    ]
    return [row for row in counted if row[3] > 0 or row[0] in selected]


def _columns(links: Iterable[tuple[int, object]], ids: np.ndarray, names: dict) -> dict:
    """A boolean column over ``ids`` per facet value, from (instrument id, linked value)
    rows; ``names`` maps a linked value (a phase, a sector's pk) to the value's name in
    the filters. Links of instruments not in ``ids`` (not visible) are dropped."""
    codes = {value: code for code, value in enumerate(names)}
    pairs = [(pk, codes[value]) for pk, value in links if value in codes]
    matrix = np.zeros((len(names), len(ids)), dtype=bool)
    if pairs and len(ids):
        pairs = np.array(pairs, dtype=np.int64)
        order = np.argsort(ids)
        found = np.minimum(np.searchsorted(ids[order], pairs[:, 0]), len(ids) - 1)
        known = ids[order][found] == pairs[:, 0]
        matrix[pairs[known, 1], order[found[known]]] = True
    return dict(zip(names.values(), matrix, strict=True))


def build_public_table() -> CatalogueTable:
    """Read the public catalogue (six queries)."""
    visible = list(
        Instrument.objects.visible_to(AnonymousUser())
        .order_by("title", "pk")
        .values_list("pk", "kind")
    )
    ids = np.array([pk for pk, _ in visible], dtype=np.int64)
    sectors = list(Sector.objects.order_by("name").values_list("pk", "slug", "name", "name_en"))
    audiences = list(Audience.objects.order_by("name").values_list("pk", "slug", "name", "name_en"))
    return CatalogueTable(
        ids=ids,
        kinds=np.array([kind for _, kind in visible], dtype=object),
        phases=_columns(
            InstrumentPhase.objects.order_by().values_list("instrument_id", "phase"),
            ids,
            {phase.value: phase.value for phase in Phase},
        ),
        sectors=_columns(
            InstrumentSector.objects.order_by().values_list("instrument_id", "sector_id"),
            ids,
            {pk: slug for pk, slug, *_ in sectors},
        ),
        audiences=_columns(
            InstrumentAudience.objects.order_by().values_list("instrument_id", "audience_id"),
            ids,
            {pk: slug for pk, slug, *_ in audiences},
        ),
        sector_rows=[(slug, name, name_en) for _, slug, name, name_en in sectors],
        audience_rows=[(slug, name, name_en) for _, slug, name, name_en in audiences],
    )


_tables: dict[str, CatalogueTable] = {}


def public_table(catalogue_key: str) -> CatalogueTable:
    """The table of the public catalogue under ``catalogue_key`` (``counts.catalogue_key``
    of a public reader), read on first use in this process; older versions are dropped."""
    table = _tables.get(catalogue_key)
    if table is None:
        table = build_public_table()
        _tables.clear()
        _tables[catalogue_key] = table
    return table
