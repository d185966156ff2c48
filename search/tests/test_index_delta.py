"""A large in-process index takes writes in as a delta instead of being reloaded
(``ranking._refresh``): new items are found, removed and hidden ones never are, scores stay
those of a full reload (BM25 up to the average chunk length), and indexing embeds before it
takes SQLite's write lock, with one version bump per post.

``SEARCH_INDEX_DELTA_MIN_CHUNKS = 0`` makes these tiny corpora use the delta path."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from moderation.constants import ModerationState
from moderation.services import set_state
from search import ranking, services
from search.embedding import HashingEmbedder
from search.models import SearchDocument, SearchIndexState
from search.selectors import search
from search.text import terms

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


@pytest.fixture
def delta(settings, monkeypatch):
    settings.SEARCH_BACKEND = "inprocess"  # on PostgreSQL too: the delta is the in-process index's
    settings.SEARCH_INDEX_DELTA_MIN_CHUNKS = 0
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 10_000
    rebuilds: list[int] = []
    monkeypatch.setattr(ranking, "_start_rebuild", lambda index: rebuilds.append(1))
    monkeypatch.setattr(ranking, "_cache", {})
    return rebuilds


def _keys(query: str, mode: str = "bm25", kind: str = "instrument") -> list[str]:
    found = search(user=ANONYMOUS, query=query, mode=mode, limit=50)
    return [r.key for r in found if r.kind == kind]


def _corpus() -> list:
    return [
        InstrumentFactory(n="a", title="Stakeholderanalyse", summary="Wie heeft belang erbij."),
        InstrumentFactory(n="b", title="Energiecoöperatie", summary="Samen zonnepanelen bezitten."),
        InstrumentFactory(n="c", title="Buurtgesprek", summary="Bewoners over zonnepanelen."),
    ]


def test_a_new_item_is_found_through_the_delta_with_the_scores_of_a_full_reload(delta):
    _corpus()
    first = ranking.get_index()
    assert first.delta is None

    new = InstrumentFactory(n="d", title="Zonnepanelenproef", summary="Zonnepanelen op daken.")
    index = ranking.get_index()

    assert index.delta is not None and index.main_chunks == first.main_chunks  # no reload
    assert new.slug in _keys("zonnepanelen")
    full = ranking._load(index.version)
    query = terms("zonnepanelen bewoners daken")
    refreshed = ranking.chunk_bm25(index, query)
    exact = ranking.chunk_bm25(full, query)
    by_text = dict(zip(full.chunk_text, exact, strict=True))
    alive = np.flatnonzero(index.chunk_alive)
    mine = np.array([refreshed[row] for row in alive])
    theirs = np.array([by_text[index.chunk_text[row]] for row in alive])
    # Same document count and frequencies; only the average length is the main build's.
    assert np.allclose(mine, theirs, rtol=0.1)
    assert np.argmax(mine) == np.argmax(theirs)
    vector = HashingEmbedder().embed_query("zonnepanelen")
    dense = ranking.chunk_dense(index, vector)
    assert np.allclose(
        [dense[row] for row in alive],
        [
            dict(zip(full.chunk_text, ranking.chunk_dense(full, vector), strict=True))[t]
            for t in (index.chunk_text[row] for row in alive)
        ],
    )
    assert delta == []  # far below the rebuild threshold


def test_an_edit_supersedes_the_old_row_and_its_words(delta):
    a, *_ = _corpus()
    ranking.get_index()

    a.title = "Krachtenveldanalyse"
    a.summary = "Wie trekt waaraan."
    a.save()
    index = ranking.get_index()

    assert _keys("krachtenveldanalyse") == [a.slug]
    assert _keys("stakeholderanalyse") == []
    row = index.row_of("instrument", a.slug)
    assert row is not None and row >= index.main_docs
    assert index.doc_alive.sum() == SearchDocument.objects.count()


def test_hidden_and_deleted_items_are_never_shown_after_the_request_that_saw_the_bump(delta):
    a, b, c = _corpus()
    ranking.get_index()
    assert set(_keys("zonnepanelen", mode="hybrid")) >= {b.slug, c.slug}

    set_state(b, ModerationState.HIDDEN)
    c.delete()

    for mode in ("bm25", "dense", "hybrid"):
        found = _keys("zonnepanelen", mode=mode) + _keys("energiecoöperatie buurtgesprek", mode)
        assert b.slug not in found and c.slug not in found
    index = ranking.get_index()
    assert index.row_of("instrument", b.slug) is None
    assert index.row_of("instrument", c.slug) is None
    assert index.delta is None and index.removed  # masked, nothing reloaded


def test_withheld_linked_words_stop_counting_at_once(delta, outsider):
    instrument = InstrumentFactory(n="e", title="Energiecoach")
    experience = make_experience(
        instrument=instrument, author=outsider, what_was_done="Het kwartiermakerswoord werkte."
    )
    ranking.get_index()
    assert _keys("kwartiermakerswoord") == [instrument.slug]

    services.withhold_linked_text([instrument.pk])

    assert _keys("kwartiermakerswoord") == []
    assert _keys("energiecoach") == [instrument.slug]
    assert experience.pk


def test_a_bump_without_changes_keeps_the_exact_scores(delta):
    _corpus()
    first = ranking.get_index()
    services.bump_index_version()
    second = ranking.get_index()

    assert second is not first and second.exact
    query = terms("zonnepanelen belang")
    assert np.array_equal(ranking.chunk_bm25(first, query), ranking.chunk_bm25(second, query))


def test_a_large_delta_starts_a_background_rebuild(delta, settings):
    a, *_ = _corpus()
    ranking.get_index()
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 1

    a.title = "Wijkbudget"
    a.save()  # one chunk removed, one added: past the limit of 1

    assert _keys("wijkbudget") == [a.slug]  # the delta serves until the rebuild is in
    assert delta == [1]


def test_a_bulk_change_is_left_to_the_rebuild_but_removals_still_count(delta, settings):
    a, b, _c = _corpus()
    ranking.get_index()
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 1
    InstrumentFactory(n="f", title="Wijkbudget", summary="Een budget voor de hele wijk.")
    InstrumentFactory(n="g", title="Buurtkas", summary="Een kas voor de buurt en de wijk.")
    b.delete()

    assert b.slug not in _keys("zonnepanelen", mode="hybrid")
    assert _keys("stakeholderanalyse") == [a.slug]
    assert delta  # too many new chunks for a delta: the rebuild takes them in
    assert ranking.get_index().delta is None


def test_a_rebuilt_main_index_is_brought_up_to_date(delta):
    _corpus()
    ranking.get_index()
    InstrumentFactory(n="g", title="Wijkbudget")
    ranking.get_index()

    ranking._cache["index"] = ranking._load((-1, ""))  # what the rebuild thread swaps in
    InstrumentFactory(n="h", title="Buurtkas")

    assert _keys("wijkbudget") and _keys("buurtkas")


def _changed_unindexed(instrument):
    """The instrument with a new summary that the index has not seen (an update bypasses
    the signals), so indexing it runs the model (stored passages are not embedded again)."""
    type(instrument).all_objects.filter(pk=instrument.pk).update(summary="Nieuw: daken vol.")
    instrument.refresh_from_db()
    return instrument


def test_the_model_runs_before_the_write_transaction(monkeypatch):
    instrument = _changed_unindexed(InstrumentFactory(n="i", title="Zonnedak"))
    depth_outside = len(connection.savepoint_ids)
    depths: list[int] = []
    real = HashingEmbedder.embed_passages

    def spy(self, texts):
        depths.append(len(connection.savepoint_ids))
        return real(self, texts)

    monkeypatch.setattr(HashingEmbedder, "embed_passages", spy)
    services.index_object(instrument)

    assert depths == [
        depth_outside
    ]  # ran once, and no transaction (savepoint) of the index write open


def test_an_item_hidden_while_it_was_embedded_stays_out(monkeypatch):
    instrument = _changed_unindexed(InstrumentFactory(n="j", title="Verdwijnproef"))
    real = HashingEmbedder.embed_passages

    def hide_meanwhile(self, texts):
        type(instrument).all_objects.filter(pk=instrument.pk).update(
            moderation_state=ModerationState.HIDDEN
        )
        return real(self, texts)

    monkeypatch.setattr(HashingEmbedder, "embed_passages", hide_meanwhile)
    services.index_object(instrument)

    assert not SearchDocument.objects.filter(kind="instrument", object_id=instrument.pk).exists()


def test_posting_an_experience_bumps_the_index_version_once(outsider):
    instrument = InstrumentFactory(n="k", title="Dorpsraad")

    def version() -> int:
        return SearchIndexState.objects.get(pk=1).version

    before = version()
    make_experience(instrument=instrument, author=outsider, what_was_done="Met het dorpsplan.")

    assert version() == before + 1
    assert _keys("dorpsplan") == [instrument.slug]
    assert _keys("dorpsplan", kind="experience")


@pytest.mark.parametrize("fill", [-1.0, 0.0])
def test_the_best_chunk_per_document_is_the_same_visiting_only_scored_chunks(
    delta, fill, monkeypatch
):
    """``per_document_max`` visits only the scored chunks when they are few (the nearest of
    the approximate index, the chunks with a query word); the answer is that of a full pass,
    also for the delta's documents."""
    _corpus()
    ranking.get_index()
    InstrumentFactory(n="d", title="Zonnepanelenproef", summary="Zonnepanelen op daken.")
    index = ranking.get_index()
    assert index.delta is not None
    pick = np.random.default_rng(3)
    for share in (0.0, 0.1, 0.5, 1.0):
        scores = np.full(len(index.chunk_text), fill, dtype=np.float32)
        scored = pick.random(len(scores)) < share
        scores[scored] = pick.uniform(fill, 1.0, int(scored.sum()))
        monkeypatch.setattr(ranking, "SPARSE_SHARE", 10**9)  # a full pass
        full = ranking.per_document_max(index, scores, fill)
        monkeypatch.setattr(ranking, "SPARSE_SHARE", 0)  # the scored chunks only
        assert np.array_equal(ranking.per_document_max(index, scores, fill), full)
