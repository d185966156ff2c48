"""The public catalogue held in memory (``instruments.catalogue``) answers the list page
exactly as counting the database does: the same results in the same order, the same
total and the same facet counts, for every combination of facet filters."""

from __future__ import annotations

import itertools
import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from instruments import catalogue
from instruments.constants import Kind, Phase
from instruments.selectors import InstrumentFilters, instrument_list_page
from instruments.tests.factories import InstrumentFactory
from moderation.constants import ModerationState

pytestmark = pytest.mark.django_db

SECTORS = ["energie", "zorg", "onderwijs", "logistiek"]
AUDIENCES = ["facilitator", "docent", "onderzoeker"]
KINDS = [Kind.CANVAS.value, Kind.CHECKLIST.value, Kind.MODEL.value]


@pytest.fixture
def library(provider):
    """Thirty instruments with random facets (titles repeat, so order falls back to the
    primary key), plus a draft and a hidden one that no public count may include."""
    pick = random.Random(7)
    made = []
    for i in range(30):
        made.append(
            InstrumentFactory(
                n=f"c{i}",
                title=f"Werkvorm {pick.choice('ABCDE')}",
                kind=pick.choice(KINDS),
                phases=pick.sample([p.value for p in Phase], pick.randint(1, 3)),
                sectors=pick.sample(SECTORS, pick.randint(0, 2)),
                audience=pick.sample(AUDIENCES, pick.randint(0, 2)),
            )
        )
    InstrumentFactory(n="draft", status="draft", owner=provider, sectors=["energie"])
    hidden = made[0]
    hidden.moderation_state = ModerationState.HIDDEN
    hidden.save(update_fields=["moderation_state"])
    return made


def _combinations():
    phases = [(), ("starten",), ("ontwerpen", "uitvoeren")]
    kinds = [(), (Kind.CANVAS.value,), (Kind.MODEL.value, Kind.CHECKLIST.value)]
    sectors = [(), ("energie",), ("zorg", "onbekend"), ("onbekend",)]
    audiences = [(), ("docent",)]
    for combination in itertools.product(phases, kinds, sectors, audiences):
        yield InstrumentFilters(
            phases=combination[0],
            kinds=combination[1],
            sectors=combination[2],
            audiences=combination[3],
        )


def _answer(filters: InstrumentFilters, page_number: int):
    page, facets = instrument_list_page(
        user=AnonymousUser(), filters=filters, page_number=page_number, per_page=4
    )
    return (
        page.paginator.count,
        page.number,
        [instrument.pk for instrument in page.object_list],
        [(f.name, [(o.value, o.label, o.count, o.selected) for o in f.options]) for f in facets],
    )


def test_every_filter_combination_matches_counting_the_database(library, settings, monkeypatch):
    built = []
    monkeypatch.setattr(
        catalogue,
        "build_public_table",
        lambda build=catalogue.build_public_table: built.append(1) or build(),
    )
    cache.clear()
    from_table = {(f, n): _answer(f, n) for f in _combinations() for n in (1, 3)}
    settings.INSTRUMENT_COUNTS_CACHE_SECONDS = 0  # no catalogue key: everything is counted
    counted = {(f, n): _answer(f, n) for f in _combinations() for n in (1, 3)}

    assert built == [1]  # one read of the catalogue answered all 144 pages (72 combinations)
    assert from_table == counted
    everything = counted[(InstrumentFilters(), 1)]
    assert everything[0] == 29  # the hidden instrument and the draft are not counted
    assert any(total == 0 for total, *_ in counted.values())


def test_a_write_to_the_catalogue_is_seen_at_once(library, client):
    first = client.get("/instrumenten/?sector=energie").context["page"].paginator.count
    InstrumentFactory(n="new", sectors=["energie"])
    assert client.get("/instrumenten/?sector=energie").context["page"].paginator.count == first + 1
    library[1].moderation_state = ModerationState.HIDDEN
    library[1].save(update_fields=["moderation_state"])
    page = client.get("/instrumenten/").context["page"]
    assert library[1].pk not in {instrument.pk for instrument in page.paginator.object_list[:40]}
