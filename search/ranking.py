"""In-process ranking over the search index: BM25 over chunk terms and cosine similarity
over chunk embeddings, each scored per document as the best of its chunks, then fused.

The matrices are built once per process. When ``SearchIndexState.version`` changes (any
index write bumps it) a small index is simply loaded again; a large one (a full load takes
~45 s at 265k chunks) is *refreshed* instead (``_refresh``): the chunks added since go into a
small delta searched alongside the loaded main index, and removed chunks and superseded
documents are masked. A refresh costs two cheap queries plus the new rows, so a save is
searchable in every worker on its next request, and a removal (moderation) is never shown
again after the request that bumped the version. The main index is rebuilt in a background
thread once the delta grows past ``SEARCH_INDEX_DELTA_MAX_CHUNKS``.

BM25 over main + delta uses the exact document count and document frequencies of the
current chunks (main columns rescaled by the new IDF per query term); only the average
chunk length stays that of the main build, which moves by well under 1% while the delta is
below its limit. With no delta and nothing removed, scoring is exactly the main index's.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass, field, replace

import bm25s
import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from jobs.queue import enqueue
from search import snapshot
from search.embedding import DIMENSIONS, from_bytes, get_embedder
from search.models import SearchChunk, SearchDocument, SearchIndexState
from search.text import terms, words

logging.getLogger("bm25s").setLevel(logging.WARNING)

DEFAULT_WEIGHTS = {
    "long_query_words": 8,
    "short": {"bm25": 0.5, "dense": 0.5},
    "long": {"bm25": 0.3, "dense": 0.7},
    "linked": 0.8,
    "dense_floor": 0.5,
    "min_relative": 0.3,
    "feedback": 0.5,
}


def weights() -> dict:
    configured = getattr(settings, "SEARCH_WEIGHTS", None) or {}
    merged = {**DEFAULT_WEIGHTS, **configured}
    return merged


def query_weights(query: str, config: dict | None = None) -> tuple[float, float]:
    config = config or weights()
    group = "long" if len(words(query)) >= config["long_query_words"] else "short"
    return float(config[group]["bm25"]), float(config[group]["dense"])


@dataclass
class LoadedIndex:
    version: tuple[int, str]
    doc_pk: np.ndarray
    doc_kind: list[str]
    doc_object_id: np.ndarray
    doc_key: list[str]
    doc_title: list[str]
    doc_url: list[str]
    doc_community: np.ndarray  # -1 when the document belongs to no community
    doc_chunk_start: np.ndarray
    doc_chunk_end: np.ndarray
    chunk_doc: np.ndarray
    chunk_text: list[str]
    chunk_linked: np.ndarray
    matrix: np.ndarray
    bm25: bm25s.BM25 | None
    vocabulary: set[str]
    kind_array: np.ndarray  # doc_kind as an object array, for masks
    rows_by_key: dict[tuple[str, str], int]
    ann: object | None = None  # a faiss IVF index over ``matrix`` for large corpora
    # Rows below ``main_chunks`` / ``main_docs`` are the main index (``matrix``, ``bm25``,
    # ``ann``); rows after them are the delta (see ``_refresh``).
    chunk_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    chunk_alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    doc_alive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    max_chunk_id: int = 0
    main_chunks: int = 0
    main_docs: int = 0
    bm25_n: int = 0  # chunks the main BM25 was built over
    bm25_avgdl: float = 0.0
    bm25_df: np.ndarray | None = None  # document frequency per main vocabulary id
    delta: Delta | None = None
    delta_rows_by_key: dict = field(default_factory=dict)
    delta_row_by_pk: dict = field(default_factory=dict)
    df_shift: dict = field(default_factory=dict)  # term -> df(now) - df(main build)
    n_shift: int = 0  # chunks now - chunks at the main build
    removed: int = 0  # main and delta chunks masked since the main build
    main_max_chunk_id: int = 0  # the largest chunk id the main build saw
    snapshot: str = ""  # the shared snapshot the main build was read from (search.snapshot)

    @property
    def size(self) -> int:
        return len(self.doc_pk)

    @property
    def exact(self) -> bool:
        """Nothing changed since the main index was built: score with it alone."""
        return self.delta is None and not self.removed

    def row_of(self, kind: str, key: str) -> int | None:
        row = self.delta_rows_by_key.get((kind, key))
        if row is None:
            row = self.rows_by_key.get((kind, key))
        return row if row is not None and self.doc_alive[row] else None

    def vectors(self, rows) -> np.ndarray:
        """The embeddings of these chunk rows, from the main matrix or the delta's."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.delta is None:
            return self.matrix[rows]
        out = np.empty((len(rows), self.matrix.shape[1]), dtype=np.float32)
        in_main = rows < self.main_chunks
        out[in_main] = self.matrix[rows[in_main]]
        out[~in_main] = self.delta.matrix[rows[~in_main] - self.main_chunks]
        return out


@dataclass
class Delta:
    """Chunks added since the main index was built, searched exactly (there are few)."""

    matrix: np.ndarray
    lengths: np.ndarray  # terms per delta chunk, for BM25's length normalisation
    terms: list  # the terms of each delta chunk (to undo its document frequencies)
    postings: dict  # term -> (delta chunk offsets, term frequencies), as lists

    def __len__(self) -> int:
        return len(self.lengths)


_cache: dict[str, LoadedIndex] = {}
_lock = threading.Lock()
# Chunk text -> its terms, as of the last load. Every saved item bumps the index version and
# every web worker then reloads the whole index in its next search; analysing the text of
# every chunk again was about half of that reload (bench/load.py). Chunks that did not
# change keep their terms; the memo holds only the current chunks' texts.
_chunk_terms: dict[str, list[str]] = {}


def current_version() -> tuple[int, str]:
    """(version, token): a rolled-back transaction (tests) can repeat a version number,
    never its random token."""
    state = SearchIndexState.objects.filter(pk=1).values_list("version", "token").first()
    return tuple(state) if state else (0, "")


def _load(version: tuple[int, str]) -> LoadedIndex:
    documents = list(
        SearchDocument.objects.order_by("pk").values_list(
            "pk", "kind", "object_id", "key", "title", "url", "community_id"
        )
    )
    row_of = {pk: row for row, (pk, *_rest) in enumerate(documents)}
    # Two reads without a transaction (SQLite's IMMEDIATE mode would take the write lock):
    # a chunk whose document is not in the first read is left out here, and the next
    # refresh finds it missing (``_refresh``) and loads it.
    everything = list(
        SearchChunk.objects.order_by("document_id", "position").values_list(
            "pk", "document_id", "text", "is_linked", "embedding"
        )
    )
    max_chunk_id = max((row[0] for row in everything), default=0)
    chunk_ids = np.array([row[0] for row in everything if row[1] in row_of], dtype=np.int64)
    chunk_rows = [row[1:] for row in everything if row[1] in row_of]
    del everything
    chunk_doc = np.array([row_of[doc] for doc, *_ in chunk_rows], dtype=np.int64)
    matrix = (
        np.vstack([from_bytes(vector) for *_, vector in chunk_rows]).astype(np.float32)
        if chunk_rows
        else np.zeros((0, DIMENSIONS), dtype=np.float32)
    )
    start = np.full(len(documents), 0, dtype=np.int64)
    end = np.full(len(documents), 0, dtype=np.int64)
    for index, row in enumerate(chunk_doc):
        if end[row] == 0:
            start[row] = index
        end[row] = index + 1
    corpus = _terms_of([text for _, text, _, _ in chunk_rows])
    retriever = None
    vocabulary: set[str] = set()
    df = None
    if corpus:
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        vocabulary = set(retriever.vocab_dict)
        df = np.diff(retriever.scores["indptr"])
    return LoadedIndex(
        version=version,
        doc_pk=np.array([d[0] for d in documents], dtype=np.int64),
        doc_kind=[d[1] for d in documents],
        doc_object_id=np.array([d[2] for d in documents], dtype=np.int64),
        doc_key=[d[3] for d in documents],
        doc_title=[d[4] for d in documents],
        doc_url=[d[5] for d in documents],
        doc_community=np.array(
            [d[6] if d[6] is not None else -1 for d in documents], dtype=np.int64
        ),
        doc_chunk_start=start,
        doc_chunk_end=end,
        chunk_doc=chunk_doc,
        chunk_text=[text for _, text, _, _ in chunk_rows],
        chunk_linked=np.array([linked for _, _, linked, _ in chunk_rows], dtype=bool),
        matrix=matrix,
        bm25=retriever,
        vocabulary=vocabulary,
        kind_array=np.array([d[1] for d in documents], dtype=object),
        rows_by_key={(d[1], d[3]): row for row, d in enumerate(documents)},
        ann=build_ann(matrix),
        chunk_id=chunk_ids,
        chunk_alive=np.ones(len(chunk_rows), dtype=bool),
        doc_alive=np.ones(len(documents), dtype=bool),
        max_chunk_id=max_chunk_id,
        main_max_chunk_id=max_chunk_id,
        main_chunks=len(chunk_rows),
        main_docs=len(documents),
        bm25_n=len(corpus),
        bm25_avgdl=float(np.mean([len(doc) for doc in corpus])) if corpus else 0.0,
        bm25_df=df,
    )


def _terms_of(texts: list[str]) -> list[list[str]]:
    """``terms(text)`` of each chunk text, analysing only texts the last load did not have
    (called under ``_lock``). The same terms, so the same BM25 index as without the memo."""
    global _chunk_terms
    previous, current = _chunk_terms, {}
    corpus = []
    for text in texts:
        found = current.get(text)
        if found is None:
            found = previous.get(text)
            if found is None:
                found = terms(text)
            current[text] = found
        corpus.append(found)
    _chunk_terms = current
    return corpus


def _delta_min_chunks() -> int:
    return int(getattr(settings, "SEARCH_INDEX_DELTA_MIN_CHUNKS", 1_000))


def _delta_max_chunks() -> int:
    return int(getattr(settings, "SEARCH_INDEX_DELTA_MAX_CHUNKS", 5_000))


def get_index() -> LoadedIndex:
    version = current_version()
    index = _cache.get("index")
    if index is None or index.version != version:
        with _lock:
            index = _cache.get("index")
            if index is None or index.version != version:
                index = _bring_up_to_date(index, version)
                _cache["index"] = index
    return index


def _bring_up_to_date(index: LoadedIndex | None, version: tuple[int, str]) -> LoadedIndex:
    """A newer shared snapshot replaces this process's main index (search.snapshot); then a
    large index takes the changes as a delta, and a small one is simply loaded again."""
    newer = _newer_snapshot(index)
    if newer is not None:
        index = newer
    if index is not None and index.main_chunks >= _delta_min_chunks():
        return _refresh(index, version)
    fresh = _load(version)  # small: a full load is cheap and exact
    if snapshot.enabled_for(fresh.main_chunks):
        # A cold process of a large library without a snapshot yet: share this build. The
        # lock makes the others wait for it instead of building their own.
        fresh = _share(fresh)
    return fresh


def _newer_snapshot(index: LoadedIndex | None) -> LoadedIndex | None:
    """The shared snapshot, if there is one with chunks this process's main build lacks."""
    record = snapshot.current()
    if record is None:
        return None
    if index is not None and record["max_chunk_id"] <= index.main_max_chunk_id:
        return None
    return snapshot.load(record)


def _share(fresh: LoadedIndex) -> LoadedIndex:
    with snapshot.build_lock():
        record = snapshot.current()
        if record is not None and record["max_chunk_id"] >= fresh.main_max_chunk_id:
            shared = snapshot.load(record)  # written while this process was building
            if shared is not None:
                return _refresh(shared, fresh.version)
        return replace(fresh, snapshot=snapshot.save(fresh))


def build_main() -> LoadedIndex:
    """A main index of everything stored now, at no real version (the next ``get_index``
    refreshes it): what the background rebuild writes as the shared snapshot."""
    return _load((-1, ""))


# ---------------------------------------------------------------- refresh (delta)


def _refresh(index: LoadedIndex, version: tuple[int, str]) -> LoadedIndex:
    """``index`` brought up to the database's chunks without reloading it (called under
    ``_lock``, after ``version`` was read, so any later write bumps the version again).

    Chunk ids only grow (SQLite AUTOINCREMENT, a sequence elsewhere), and ``_store``
    replaces all of a document's chunks. So: the chunks above the largest id seen are new,
    and their documents are loaded whole into the delta, superseding their earlier rows
    (whose chunks were all replaced). If the number of stored chunks is then not the number
    expected, something was removed (a deleted document, withheld linked text) or not
    loaded yet, and one comparison of the id lists finds which."""
    new = list(
        SearchChunk.objects.filter(pk__gt=index.max_chunk_id).values_list("pk", "document_id")
    )
    touched = {document for _, document in new}
    max_chunk_id = max([index.max_chunk_id, *(pk for pk, _ in new)])
    state = _Changes(index)
    # The chunks of the touched documents' current rows were all replaced (``_store``).
    replaced = 0
    for pk in touched:
        row = state.current_row(pk)
        if row is not None:
            start, end = int(index.doc_chunk_start[row]), int(index.doc_chunk_end[row])
            replaced += int(index.chunk_alive[start:end].sum())
    expected = int(index.chunk_alive.sum()) - replaced + len(new)
    removed_ids = np.zeros(0, dtype=np.int64)
    missing = 0
    # A plain COUNT(*) is answered from the smallest index (~6 ms at 265k chunks); a rowid
    # range would read the whole table (~0.8 s). Anything unexpected: compare the ids.
    if SearchChunk.objects.count() != expected:
        with connection.cursor() as cursor:
            table = SearchChunk._meta.db_table  # a model's table name, not input
            cursor.execute(f"SELECT id, document_id FROM {table}")  # noqa: S608
            stored = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
        stored = stored[stored[:, 0] <= index.max_chunk_id]
        alive_ids = index.chunk_id[index.chunk_alive]
        removed_ids = alive_ids[~np.isin(alive_ids, stored[:, 0])]
        unknown = ~np.isin(stored[:, 0], alive_ids)
        missing = int(unknown.sum())
        touched |= set(stored[unknown, 1].tolist())
    if len(new) + missing > _delta_max_chunks():
        # A bulk change (a rebuild): mask what went, leave the new rows to the main
        # rebuild, which starts now; until it is in, they are not searchable.
        # Their earlier rows go now all the same (their chunks were replaced).
        state.supersede(sorted(touched))
        touched = set()
        max_chunk_id = index.max_chunk_id
        _start_rebuild(index)
    if not touched and not len(removed_ids) and not state.removed - index.removed:
        return replace(index, version=version)  # nothing changed (e.g. a moderation note)
    state.remove_chunks(np.flatnonzero(np.isin(index.chunk_id, removed_ids) & index.chunk_alive))
    if touched:
        state.add_documents(sorted(touched))
    if len(removed_ids):
        state.drop_deleted_documents(index.chunk_doc[np.isin(index.chunk_id, removed_ids)])
    refreshed = state.result(version, max_chunk_id)
    if (len(refreshed.delta or ()) + refreshed.removed) > _delta_max_chunks():
        _start_rebuild(index)
    return refreshed


class _Changes:
    """Builds the refreshed index as new arrays: a request still using the old one (another
    thread) never sees them change under it."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self.chunk_alive = index.chunk_alive.copy()
        self.doc_alive = index.doc_alive.copy()
        self.df_shift = dict(index.df_shift)
        self.n_shift = index.n_shift
        self.removed = index.removed
        self.docs: list = []
        self.chunks: list = []

    def _terms_of_row(self, row: int) -> list[str]:
        index = self.index
        if row >= index.main_chunks:
            return index.delta.terms[row - index.main_chunks]
        text = index.chunk_text[row]
        found = _chunk_terms.get(text)
        return found if found is not None else terms(text)

    def _shift(self, chunk_terms, by: int) -> None:
        for term in set(chunk_terms):
            self.df_shift[term] = self.df_shift.get(term, 0) + by
        self.n_shift += by

    def remove_chunks(self, rows) -> None:
        for row in rows:
            row = int(row)
            if self.chunk_alive[row]:
                self.chunk_alive[row] = False
                self._shift(self._terms_of_row(row), -1)
                self.removed += 1

    def current_row(self, pk: int) -> int | None:
        index = self.index
        row = index.delta_row_by_pk.get(pk)
        if row is not None:
            return row
        main = index.doc_pk[: index.main_docs]
        at = int(np.searchsorted(main, pk))
        return at if at < len(main) and main[at] == pk and index.doc_alive[at] else None

    def supersede(self, pks: list[int]) -> None:
        """These documents' current rows are out of date: mask them and their chunks."""
        index = self.index
        for pk in pks:
            row = self.current_row(pk)
            if row is not None:
                self.doc_alive[row] = False
                start, end = int(index.doc_chunk_start[row]), int(index.doc_chunk_end[row])
                self.remove_chunks(range(start, end))

    def add_documents(self, pks: list[int]) -> None:
        """Load these documents whole (metadata and every current chunk) as new rows."""
        self.supersede(pks)
        self.docs = list(
            SearchDocument.objects.filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk", "kind", "object_id", "key", "title", "url", "community_id")
        )
        known = {d[0] for d in self.docs}
        self.chunks = [
            row
            for row in SearchChunk.objects.filter(document_id__in=pks)
            .order_by("document_id", "position")
            .values_list("pk", "document_id", "text", "is_linked", "embedding")
            if row[1] in known
        ]

    def drop_deleted_documents(self, rows: np.ndarray) -> None:
        """Documents that lost chunks without new ones: alive only if still stored."""
        candidates = {int(row) for row in rows if self.doc_alive[int(row)]}
        if not candidates:
            return
        pks = {int(self.index.doc_pk[row]): row for row in candidates}
        stored = set(SearchDocument.objects.filter(pk__in=pks).values_list("pk", flat=True))
        for pk, row in pks.items():
            if pk not in stored:
                self.doc_alive[row] = False

    def result(self, version, max_chunk_id: int) -> LoadedIndex:
        index = self.index
        docs, chunks = self.docs, self.chunks
        first_doc, first_chunk = index.size, len(index.chunk_text)
        delta_row_by_pk = dict(index.delta_row_by_pk)
        delta_rows_by_key = dict(index.delta_rows_by_key)
        for offset, d in enumerate(docs):
            delta_row_by_pk[d[0]] = first_doc + offset
            delta_rows_by_key[(d[1], d[3])] = first_doc + offset
        row_of = {d[0]: first_doc + offset for offset, d in enumerate(docs)}
        chunk_doc = np.array([row_of[c[1]] for c in chunks], dtype=np.int64)
        start = np.zeros(len(docs), dtype=np.int64)
        end = np.zeros(len(docs), dtype=np.int64)
        for offset, row in enumerate(chunk_doc - first_doc):
            if end[row] == 0:
                start[row] = first_chunk + offset
            end[row] = first_chunk + offset + 1
        new_terms = [terms(c[2]) for c in chunks]
        for chunk_terms in new_terms:
            self._shift(chunk_terms, +1)
        delta = self._delta(new_terms, chunks)
        return replace(
            index,
            version=version,
            doc_pk=np.concatenate([index.doc_pk, np.array([d[0] for d in docs], dtype=np.int64)]),
            doc_kind=index.doc_kind + [d[1] for d in docs],
            doc_object_id=np.concatenate(
                [index.doc_object_id, np.array([d[2] for d in docs], dtype=np.int64)]
            ),
            doc_key=index.doc_key + [d[3] for d in docs],
            doc_title=index.doc_title + [d[4] for d in docs],
            doc_url=index.doc_url + [d[5] for d in docs],
            doc_community=np.concatenate(
                [
                    index.doc_community,
                    np.array([d[6] if d[6] is not None else -1 for d in docs], dtype=np.int64),
                ]
            ),
            doc_chunk_start=np.concatenate([index.doc_chunk_start, start]),
            doc_chunk_end=np.concatenate([index.doc_chunk_end, end]),
            chunk_doc=np.concatenate([index.chunk_doc, chunk_doc]),
            chunk_text=index.chunk_text + [c[2] for c in chunks],
            chunk_linked=np.concatenate(
                [index.chunk_linked, np.array([c[3] for c in chunks], dtype=bool)]
            ),
            kind_array=np.concatenate(
                [index.kind_array, np.array([d[1] for d in docs], dtype=object)]
            ),
            chunk_id=np.concatenate(
                [index.chunk_id, np.array([c[0] for c in chunks], dtype=np.int64)]
            ),
            chunk_alive=np.concatenate([self.chunk_alive, np.ones(len(chunks), dtype=bool)]),
            doc_alive=np.concatenate([self.doc_alive, np.ones(len(docs), dtype=bool)]),
            max_chunk_id=max_chunk_id,
            delta=delta,
            delta_rows_by_key=delta_rows_by_key,
            delta_row_by_pk=delta_row_by_pk,
            df_shift=self.df_shift,
            n_shift=self.n_shift,
            removed=self.removed,
        )

    def _delta(self, new_terms: list[list[str]], chunks: list) -> Delta | None:
        old = self.index.delta
        if not chunks:
            return old
        base = len(old) if old else 0
        postings = dict(old.postings) if old else {}
        for offset, chunk_terms in enumerate(new_terms):
            counts: dict[str, int] = {}
            for term in chunk_terms:
                counts[term] = counts.get(term, 0) + 1
            for term, count in counts.items():
                offsets, frequencies = postings.get(term, ((), ()))
                postings[term] = ((*offsets, base + offset), (*frequencies, count))
        vectors = np.vstack([from_bytes(c[4]) for c in chunks]).astype(np.float32)
        return Delta(
            matrix=np.vstack([old.matrix, vectors]) if old else vectors,
            lengths=np.concatenate(
                [
                    old.lengths if old else np.zeros(0, dtype=np.float32),
                    np.array([len(t) for t in new_terms], dtype=np.float32),
                ]
            ),
            terms=(old.terms if old else []) + new_terms,
            postings=postings,
        )


_rebuilding = threading.Event()


REBUILD_FLAG = "search-index-snapshot-queued"


def _start_rebuild(index: LoadedIndex) -> None:
    """Rebuild the main index in the background; requests keep using the current index
    meanwhile, and the new one is then refreshed like any other.

    A large library's index is rebuilt once for all processes, by the task queue, into the
    shared snapshot (queued once until it is written, through the shared cache); a small
    one in a thread of this process."""
    if snapshot.enabled_for(index.main_chunks):
        if cache.add(REBUILD_FLAG, True, timeout=settings.TASK_TIMEOUT_SECONDS):
            enqueue("search.tasks.write_index_snapshot", index.max_chunk_id, group="search")
        return
    if _rebuilding.is_set():
        return
    _rebuilding.set()
    threading.Thread(target=_rebuild_main, name="search-index-rebuild", daemon=True).start()


def _rebuild_main() -> None:
    try:
        fresh = _load((-1, ""))  # never a real version: the next request refreshes it
        with _lock:
            _cache["index"] = fresh
    except Exception:  # the current index stays in use; the next change tries again
        logging.getLogger(__name__).exception("search index rebuild failed")
    finally:
        _rebuilding.clear()
        connection.close()


# ---------------------------------------------------------------- scores


def chunk_bm25(index: LoadedIndex, query_terms: list[str]) -> np.ndarray:
    if not index.exact:
        return _chunk_bm25_refreshed(index, query_terms)
    known = [term for term in query_terms if term in index.vocabulary]
    if index.bm25 is None or not known:
        return np.zeros(len(index.chunk_text), dtype=np.float32)
    scores = np.asarray(index.bm25.get_scores(known), dtype=np.float32)
    return scores


def _idf(df: float, n: float) -> float:
    """bm25s's "lucene" IDF, the one the main index was built with."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _chunk_bm25_refreshed(index: LoadedIndex, query_terms: list[str]) -> np.ndarray:
    """BM25 over main + delta with the current chunk count and document frequencies: each
    main column is rescaled from its build-time IDF to the current one (BM25 is IDF × a
    term-frequency part per term), the delta is scored with the same formula and the main
    build's k1, b and average length. Removed chunks score 0."""
    scores = np.zeros(len(index.chunk_text), dtype=np.float32)
    main, delta = index.main_chunks, index.delta
    n = index.bm25_n + index.n_shift
    vocab = index.bm25.vocab_dict if index.bm25 is not None else {}
    k1 = index.bm25.k1 if index.bm25 is not None else 1.5
    b = index.bm25.b if index.bm25 is not None else 0.75
    avgdl = index.bm25_avgdl or 1.0
    for term in query_terms:
        in_main = term in vocab
        in_delta = delta is not None and term in delta.postings
        if not (in_main or in_delta):
            continue
        main_df = int(index.bm25_df[vocab[term]]) if in_main else 0
        idf = _idf(main_df + index.df_shift.get(term, 0), n)
        if in_main:
            column = index.bm25.get_scores([term])
            scores[:main] += column * np.float32(idf / _idf(main_df, index.bm25_n))
        if in_delta:
            offsets, frequencies = delta.postings[term]
            offsets = np.asarray(offsets, dtype=np.int64)
            tf = np.asarray(frequencies, dtype=np.float32)
            length = delta.lengths[offsets]
            scores[main + offsets] += idf * tf / (k1 * ((1 - b) + b * length / avgdl) + tf)
    scores[~index.chunk_alive] = 0.0
    return scores


ANN_PROBES = 32
ANN_RESULTS = 2000


def _ann_min_chunks() -> int:
    return int(getattr(settings, "SEARCH_ANN_MIN_CHUNKS", 50_000))


def build_ann(matrix: np.ndarray):
    """An approximate (IVF) cosine index once the corpus is large enough for a scan of
    every chunk to dominate a search (~20 ms at 265k chunks here); below that, exact.

    Around sqrt(n) lists, ``ANN_PROBES`` of them searched: at 265k chunks ~2 ms a query."""
    if len(matrix) < _ann_min_chunks():
        return None
    import faiss

    lists = max(16, int(np.sqrt(len(matrix))))
    quantizer = faiss.IndexFlatIP(matrix.shape[1])
    ann = faiss.IndexIVFFlat(quantizer, matrix.shape[1], lists, faiss.METRIC_INNER_PRODUCT)
    sample = np.random.default_rng(0).choice(len(matrix), min(len(matrix), lists * 40), False)
    ann.train(np.ascontiguousarray(matrix[np.sort(sample)]))
    ann.add(np.ascontiguousarray(matrix))
    ann.nprobe = ANN_PROBES
    return ann


def chunk_dense(index: LoadedIndex, vector: np.ndarray) -> np.ndarray:
    """Cosine of every chunk to ``vector``; with an approximate index, only the
    ``ANN_RESULTS`` nearest chunks get theirs and the rest -1 (not retrieved)."""
    if not len(index.chunk_text):
        return np.zeros(0, dtype=np.float32)
    vector = vector.astype(np.float32)
    if index.ann is None:
        dense = index.matrix @ vector
    else:
        scores, found = index.ann.search(vector[None, :], ANN_RESULTS)
        dense = np.full(index.main_chunks, -1.0, dtype=np.float32)
        keep = found[0] >= 0
        dense[found[0][keep]] = scores[0][keep]
    if index.exact:
        return dense
    if index.delta is not None:
        dense = np.concatenate([dense, index.delta.matrix @ vector])
    dense[~index.chunk_alive] = -1.0
    return dense


SPARSE_SHARE = 8
"""Below 1/8 of the chunks scored, ``per_document_max`` visits only those."""


def per_document_max(index: LoadedIndex, chunk_scores: np.ndarray, fill: float) -> np.ndarray:
    """The best chunk score of each document (``fill`` for one without chunks, or whose
    chunks all score ``fill``). Chunks are stored contiguously per document, so one
    ``reduceat`` does it; when few chunks scored (the approximate index's nearest, the
    chunks with a query word) only those are visited (265k chunks at 100k items)."""
    scores = np.full(index.size, fill, dtype=np.float32)
    scored = np.flatnonzero(chunk_scores > fill)
    if len(scored) * SPARSE_SHARE < len(chunk_scores):
        np.maximum.at(scores, index.chunk_doc[scored], chunk_scores[scored])
        return scores
    has_chunks = index.doc_chunk_end > index.doc_chunk_start
    if len(chunk_scores) and has_chunks.any():
        scores[has_chunks] = np.maximum.reduceat(chunk_scores, index.doc_chunk_start[has_chunks])
    return scores


_query_vectors: dict[tuple[str, str], np.ndarray] = {}


def query_vector(query: str) -> np.ndarray:
    """The query's embedding, remembered for the last few hundred queries (paging, modes)."""
    key = (getattr(settings, "SEARCH_EMBEDDER", ""), query)
    vector = _query_vectors.get(key)
    if vector is None:
        vector = get_embedder().embed_query(query)
        if len(_query_vectors) >= 512:
            _query_vectors.pop(next(iter(_query_vectors)))
        _query_vectors[key] = vector
    return vector


@dataclass
class Components:
    """Per-document scores of both rankers, before fusion."""

    bm25: np.ndarray
    dense: np.ndarray
    chunk_bm25: np.ndarray
    chunk_dense: np.ndarray
    query_terms: set[str]


def components(index: LoadedIndex, query: str, *, mode: str = "hybrid") -> Components:
    config = weights()
    query_terms = terms(query)
    linked_factor = np.where(index.chunk_linked, float(config["linked"]), 1.0).astype(np.float32)
    c_bm25 = (
        chunk_bm25(index, query_terms) * linked_factor
        if mode in ("bm25", "hybrid")
        else np.zeros(len(index.chunk_text), dtype=np.float32)
    )
    if mode in ("dense", "hybrid") and len(index.chunk_text):
        c_dense = chunk_dense(index, query_vector(query))
    else:
        c_dense = np.zeros(len(index.chunk_text), dtype=np.float32)
    return Components(
        bm25=per_document_max(index, c_bm25, 0.0),
        dense=per_document_max(index, c_dense, -1.0),
        chunk_bm25=c_bm25,
        chunk_dense=c_dense,
        query_terms=set(query_terms),
    )


def vector_components(index: LoadedIndex, vector: np.ndarray) -> Components:
    """Cosine similarity of every document to ``vector`` (recommendations)."""
    c_dense = chunk_dense(index, vector)
    return Components(
        bm25=np.zeros(index.size, dtype=np.float32),
        dense=per_document_max(index, c_dense, -1.0),
        chunk_bm25=np.zeros(len(c_dense), dtype=np.float32),
        chunk_dense=c_dense,
        query_terms=set(),
    )


def normalise_dense(dense: np.ndarray, allowed: np.ndarray, floor_quantile: float) -> np.ndarray:
    """Cosines mapped to 0..1 among allowed documents: 0 at the ``floor_quantile`` of their
    scores (and below), 1 at the best. e5 cosines crowd in a narrow band, so the floor
    keeps the long tail from adding noise to the fusion."""
    result = np.zeros_like(dense)
    values = dense[allowed]
    if not len(values):
        return result
    top = float(values.max())
    floor = float(np.quantile(values, floor_quantile))
    if top <= floor:
        result[allowed] = 1.0 if top > -1 else 0.0
        return result
    result[allowed] = np.clip((values - floor) / (top - floor), 0.0, 1.0)
    return result


def fuse(
    bm25: np.ndarray,
    dense: np.ndarray,
    allowed: np.ndarray,
    *,
    mode: str,
    bm25_weight: float,
    dense_weight: float,
    floor_quantile: float,
    min_relative: float = 0.0,
) -> np.ndarray:
    """Weighted normalised-score fusion of candidates' raw scores. Candidates that are not
    allowed, have no signal, or score below ``min_relative`` × the best score get -inf."""
    fused = np.full(len(allowed), -np.inf, dtype=np.float32)
    if not allowed.any():
        return fused
    lexical = np.zeros_like(bm25)
    top = float(bm25[allowed].max())
    if top > 0:
        lexical[allowed] = bm25[allowed] / top
    meaning = normalise_dense(dense, allowed & (dense > -1), floor_quantile)
    if mode == "bm25":
        score, keep = lexical, bm25 > 0
    elif mode == "dense":
        score, keep = meaning, dense > -1
    else:
        score = bm25_weight * lexical + dense_weight * meaning
        keep = (bm25 > 0) | (meaning > 0)
    keep &= allowed
    if keep.any() and min_relative > 0:
        keep &= score >= min_relative * float(score[keep].max())
    fused[keep] = score[keep]
    return fused


def best_chunk(index: LoadedIndex, row: int, parts: Components) -> int:
    start, end = int(index.doc_chunk_start[row]), int(index.doc_chunk_end[row])
    if end <= start:
        return -1
    bm25, dense = parts.chunk_bm25[start:end], parts.chunk_dense[start:end]
    if not index.exact:  # a removed chunk (withheld text) is never a passage
        alive = index.chunk_alive[start:end]
        if not alive.any():
            return -1
        bm25 = np.where(alive, bm25, -np.inf)
        dense = np.where(alive, dense, -np.inf)
    if bm25.max() > 0:
        return start + int(np.argmax(bm25))
    return start + int(np.argmax(dense))


def document_vector(index: LoadedIndex, row: int) -> np.ndarray | None:
    """The mean of a document's own (not linked) chunk vectors, normalised."""
    start, end = int(index.doc_chunk_start[row]), int(index.doc_chunk_end[row])
    rows = np.arange(start, end)
    if not index.exact:
        rows = rows[index.chunk_alive[start:end]]
    if not len(rows):
        return None
    linked = index.chunk_linked[rows]
    chosen = index.vectors(rows)
    own = chosen[~linked]
    vectors = own if len(own) else chosen
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None
