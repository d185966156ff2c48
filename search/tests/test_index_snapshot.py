"""The shared snapshot of a large in-process index (``search.snapshot``): one process builds
it, every other process reads it instead of building, takes later writes as a delta, and
moves to a newer snapshot when the background rebuild writes one.

``SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS = 0`` and ``SEARCH_INDEX_DELTA_MIN_CHUNKS = 0`` make these
tiny corpora behave like a large library; "another process" is an emptied ``ranking._cache``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F

from instruments.tests.factories import InstrumentFactory
from search import ranking, snapshot
from search.embedding import HashingEmbedder
from search.models import SearchChunk, SearchDocument
from search.selectors import search

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


@pytest.fixture
def shared(settings, tmp_path, monkeypatch):
    settings.SEARCH_BACKEND = "inprocess"
    settings.SEARCH_INDEX_SNAPSHOT_DIR = str(tmp_path / "search-index")
    settings.SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS = 0
    settings.SEARCH_INDEX_DELTA_MIN_CHUNKS = 0
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 10_000
    monkeypatch.setattr(ranking, "_cache", {})
    cache.delete(ranking.REBUILD_FLAG)
    return tmp_path / "search-index"


def _another_process(monkeypatch, *, may_build: bool) -> None:
    monkeypatch.setattr(ranking, "_cache", {})
    if not may_build:

        def no_build(version):
            raise AssertionError("this process should have read the snapshot")

        monkeypatch.setattr(ranking, "_load", no_build)


def _keys(query: str, mode: str = "bm25") -> list[str]:
    found = search(user=ANONYMOUS, query=query, mode=mode, limit=50)
    return [r.key for r in found if r.kind == "instrument"]


def _corpus() -> list:
    return [
        InstrumentFactory(n="a", title="Stakeholderanalyse", summary="Wie heeft belang erbij."),
        InstrumentFactory(n="b", title="Energiecoöperatie", summary="Samen zonnepanelen bezitten."),
    ]


def test_the_first_process_shares_its_build_and_the_next_reads_it(shared, settings, monkeypatch):
    settings.SEARCH_ANN_MIN_CHUNKS = 0  # the approximate index is written and read too
    a, b = _corpus()
    for n in range(20):  # enough chunks to train it
        InstrumentFactory(n=f"filler{n}", title=f"Werkvorm {n}", summary="Een werkvorm.")
    built = ranking.get_index()
    record = snapshot.current()

    assert record is not None and built.snapshot == record["name"]
    assert record["max_chunk_id"] == built.main_max_chunk_id
    assert snapshot.folder().parent == shared and (snapshot.folder() / "CURRENT").exists()

    _another_process(monkeypatch, may_build=False)
    read = ranking.get_index()
    assert read.snapshot == record["name"] and read.main_chunks == built.main_chunks
    assert read.ann is not None
    vector = HashingEmbedder().embed_query("zonnepanelen")
    assert np.array_equal(ranking.chunk_dense(read, vector), ranking.chunk_dense(built, vector))
    assert _keys("stakeholderanalyse") == [a.slug]
    assert _keys("zonnepanelen")[0] == b.slug


def test_writes_after_the_snapshot_join_as_a_delta(shared, monkeypatch):
    a, b = _corpus()
    ranking.get_index()
    new = InstrumentFactory(n="c", title="Wijkbudget", summary="Een budget voor de wijk.")
    b.delete()

    _another_process(monkeypatch, may_build=False)
    index = ranking.get_index()
    assert index.delta is not None
    assert _keys("wijkbudget") == [new.slug]
    assert b.slug not in _keys("zonnepanelen", mode="hybrid")
    assert _keys("stakeholderanalyse") == [a.slug]


def test_a_snapshot_of_another_database_is_ignored(shared, monkeypatch):
    a, b = _corpus()
    ranking.get_index()
    # The same chunk ids under other documents: not this database's snapshot any more.
    first, second = SearchDocument.objects.order_by("pk")[:2]
    SearchChunk.objects.filter(document=first).update(
        document=second, position=F("position") + 1000
    )

    _another_process(monkeypatch, may_build=True)
    assert snapshot.load() is None
    index = ranking.get_index()
    assert index.snapshot != ""  # built again, and shared again
    assert snapshot.current()["name"] == index.snapshot


def test_past_the_delta_limit_one_background_rebuild_writes_a_newer_snapshot(
    shared, settings, monkeypatch
):
    a, _b = _corpus()
    first = ranking.get_index().snapshot
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 1
    queued = []
    real_enqueue = ranking.enqueue

    def counting_enqueue(func, *args, **kwargs):
        queued.append(func)
        real_enqueue(func, *args, **kwargs)  # TASKS_INLINE: the task runs now

    monkeypatch.setattr(ranking, "enqueue", counting_enqueue)

    a.title = "Wijkbudget"
    a.save()  # one chunk removed, one added: past the limit of 1
    ranking.get_index()
    assert queued == ["search.tasks.write_index_snapshot"]
    second = snapshot.current()["name"]
    assert second != first and cache.get(ranking.REBUILD_FLAG) is None

    # The task bumped the version: without any further write, this process moves to it.
    assert ranking.get_index().snapshot == second
    assert _keys("wijkbudget") == [a.slug]
    assert _keys("stakeholderanalyse") == []
    new = InstrumentFactory(n="c", title="Buurtbudget", summary="Een budget voor de buurt.")
    index = ranking.get_index()
    assert index.snapshot == second and index.delta is not None
    assert _keys("buurtbudget") == [new.slug]


def test_while_a_rebuild_is_queued_no_second_one_is(shared, settings, monkeypatch):
    _corpus()
    ranking.get_index()
    settings.SEARCH_INDEX_DELTA_MAX_CHUNKS = 1
    queued = []
    monkeypatch.setattr(ranking, "enqueue", lambda func, *args, **kwargs: queued.append(func))

    for n, title in enumerate(["Wijkbudget", "Buurtkas", "Dorpsfonds"]):
        InstrumentFactory(n=f"new{n}", title=title, summary="Geld voor de buurt.")
        ranking.get_index()  # past the limit from the second on

    assert queued == ["search.tasks.write_index_snapshot"]


def test_the_command_writes_a_snapshot_only_when_one_is_needed(shared, settings, capsys):
    settings.SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS = 1_000_000
    _corpus()
    call_command("search_index_snapshot")
    assert "below SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS" in capsys.readouterr().out
    assert snapshot.current() is None

    settings.SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS = 0
    call_command("search_index_snapshot")
    assert "written" in capsys.readouterr().out
    record = snapshot.current()
    assert record is not None

    call_command("search_index_snapshot")
    assert "recent enough" in capsys.readouterr().out
    call_command("search_index_snapshot", "--force")
    assert snapshot.current()["name"] != record["name"]
    kept = [p for p in snapshot.folder().iterdir() if p.is_dir()]
    assert len(kept) == 1 + snapshot.KEEP_PREVIOUS


def test_the_current_record_is_plain_json(shared):
    _corpus()
    ranking.get_index()
    record = json.loads((snapshot.folder() / "CURRENT").read_text(encoding="utf-8"))
    assert set(record) == {"name", "max_chunk_id"}
