"""Reloading the in-process index after a write analyses only the chunks that changed,
and builds the same BM25 index as analysing everything again (see ``ranking._terms_of``)."""

from __future__ import annotations

import numpy as np
import pytest

from instruments.tests.factories import InstrumentFactory
from search import ranking
from search.services import bump_index_version
from search.text import terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(monkeypatch):
    """The chunk texts ``terms`` is called on during index loads."""
    texts: list[str] = []

    def spy(text):
        texts.append(text)
        return terms(text)

    monkeypatch.setattr(ranking, "terms", spy)
    monkeypatch.setattr(ranking, "_chunk_terms", {})
    return texts


def test_a_reload_after_a_write_analyses_only_the_new_chunks(analysed):
    InstrumentFactory(n="a", title="Stakeholderanalyse", summary="Wie heeft belang bij de opgave.")
    first = ranking.get_index()
    assert sorted(analysed) == sorted(first.chunk_text)
    analysed.clear()

    InstrumentFactory(n="b", title="Energiecoöperatie", summary="Samen zonnepanelen bezitten.")
    bump_index_version()
    second = ranking.get_index()

    new = [text for text in second.chunk_text if text not in first.chunk_text]
    assert new and sorted(analysed) == sorted(new)


def test_the_remembered_terms_give_the_same_bm25_scores(analysed):
    InstrumentFactory(n="a", title="Stakeholderanalyse", summary="Wie heeft belang bij de opgave.")
    InstrumentFactory(n="b", title="Energiecoöperatie", summary="Samen zonnepanelen bezitten.")
    version = ranking.current_version()
    fresh = ranking._load(version)  # the memo was empty: everything analysed
    remembered = ranking._load(version)  # everything from the memo
    query = terms("zonnepanelen opgave belang")

    assert np.array_equal(ranking.chunk_bm25(fresh, query), ranking.chunk_bm25(remembered, query))
    assert ranking.chunk_bm25(fresh, query).max() > 0
    assert fresh.vocabulary == remembered.vocabulary
