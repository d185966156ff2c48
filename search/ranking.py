"""In-process ranking over the search index: BM25 over chunk terms and cosine similarity
over chunk embeddings, each scored per document as the best of its chunks, then fused.

The matrices are built once per process and rebuilt when ``SearchIndexState.version``
changes (any index write bumps it), so every worker sees saves without a restart.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import bm25s
import numpy as np
from django.conf import settings

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

    @property
    def size(self) -> int:
        return len(self.doc_pk)

    def row_of(self, kind: str, key: str) -> int | None:
        return self.rows_by_key.get((kind, key))


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
    chunk_rows = list(
        SearchChunk.objects.order_by("document_id", "position").values_list(
            "document_id", "text", "is_linked", "embedding"
        )
    )
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
    if corpus:
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        vocabulary = set(retriever.vocab_dict)
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


def get_index() -> LoadedIndex:
    version = current_version()
    index = _cache.get("index")
    if index is None or index.version != version:
        with _lock:
            index = _cache.get("index")
            if index is None or index.version != version:
                index = _load(version)
                _cache["index"] = index
    return index


# ---------------------------------------------------------------- scores


def chunk_bm25(index: LoadedIndex, query_terms: list[str]) -> np.ndarray:
    known = [term for term in query_terms if term in index.vocabulary]
    if index.bm25 is None or not known:
        return np.zeros(len(index.chunk_text), dtype=np.float32)
    scores = np.asarray(index.bm25.get_scores(known), dtype=np.float32)
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
        return index.matrix @ vector
    scores, found = index.ann.search(vector[None, :], ANN_RESULTS)
    dense = np.full(len(index.chunk_text), -1.0, dtype=np.float32)
    keep = found[0] >= 0
    dense[found[0][keep]] = scores[0][keep]
    return dense


def per_document_max(index: LoadedIndex, chunk_scores: np.ndarray, fill: float) -> np.ndarray:
    """The best chunk score of each document (``fill`` for one without chunks). Chunks are
    stored contiguously per document, so one ``reduceat`` does it."""
    scores = np.full(index.size, fill, dtype=np.float32)
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
    if parts.chunk_bm25[start:end].max() > 0:
        return start + int(np.argmax(parts.chunk_bm25[start:end]))
    return start + int(np.argmax(parts.chunk_dense[start:end]))


def document_vector(index: LoadedIndex, row: int) -> np.ndarray | None:
    """The mean of a document's own (not linked) chunk vectors, normalised."""
    start, end = int(index.doc_chunk_start[row]), int(index.doc_chunk_end[row])
    if end <= start:
        return None
    own = index.matrix[start:end][~index.chunk_linked[start:end]]
    vectors = own if len(own) else index.matrix[start:end]
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None
