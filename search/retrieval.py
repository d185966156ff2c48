"""Candidate retrieval: the few hundred documents worth ranking for a query or a vector.

Two backends give the same thing, a ``Candidates`` table with each candidate's best
lexical score and best cosine similarity:

- in-process (SQLite, the default): BM25 and a matrix product over every chunk, held in
  memory by ``search.ranking``;
- PostgreSQL: the ``dutch`` text-search configuration over a GIN index and pgvector's HNSW
  index (``search.backends.postgres``), so no process holds the corpus.

Both keep the ``DEPTH`` best documents by each score, so fusion, the visibility rule and
the relevance cut-off in ``search.selectors`` work on the same pool on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection

from search import ranking
from search.embedding import from_bytes
from search.models import SearchChunk, SearchDocument
from search.text import terms

DEPTH = 500
NEIGHBOUR_DEPTH = 64
"""A document's neighbours are asked for at this depth first (``search.selectors.similar_to_group``
keeps a handful of them): a PostgreSQL HNSW scan costs about its depth (~150 ms at ``DEPTH`` with
265k chunks). Only when too few of them are visible is ``DEPTH`` asked for."""
FEEDBACK_POOL = 20
FEEDBACK_CHUNKS = 3
RESCORE = 4 * DEPTH


@dataclass
class Candidates:
    """Documents worth ranking, as parallel arrays (position ``i`` is one document)."""

    kind: np.ndarray  # object array of DocumentKind values
    object_id: np.ndarray
    community: np.ndarray  # -1 when the document belongs to no community
    key: list[str]
    title: list[str]
    url: list[str]
    bm25: np.ndarray  # best lexical score of its chunks (linked text weighted), 0 = none
    dense: np.ndarray  # best cosine of its chunks, -1 = not retrieved
    query_terms: set[str]
    passages: Callable[[list[int]], list[tuple[str, bool]]]
    """Best passage (text, is linked text) of each candidate position asked for."""
    version: tuple[int, str] | None = None
    """The index version they were read at (saves reading it again for visibility)."""

    def __len__(self) -> int:
        return len(self.object_id)


def use_postgres() -> bool:
    configured = getattr(settings, "SEARCH_BACKEND", "auto")
    if configured == "auto":
        return connection.vendor == "postgresql"
    return configured == "postgresql"


def prefilter_mask(
    kind: np.ndarray,
    object_id: np.ndarray,
    kinds: Iterable[str] | None,
    within: Mapping[str, Collection[int]] | None,
) -> np.ndarray:
    """Type filters and ``within`` (kind → allowed object ids), before anything is cut."""
    mask = np.ones(len(object_id), dtype=bool)
    if kinds:
        mask &= np.isin(kind, list(kinds))
    for name, ids in (within or {}).items():
        of_kind = kind == name
        mask &= ~of_kind | np.isin(object_id, np.fromiter(ids, dtype=np.int64))
    return mask


def _top(scores: np.ndarray, valid: np.ndarray, depth: int) -> np.ndarray:
    rows = np.flatnonzero(valid)
    if len(rows) > depth:
        rows = rows[np.argpartition(-scores[rows], depth - 1)[:depth]]
    return rows


# ---------------------------------------------------------------- in-process


def _inprocess(
    query: str | None,
    vector: np.ndarray | None,
    mode: str,
    kinds,
    within,
    exclude_rows: np.ndarray | None = None,
    index: ranking.LoadedIndex | None = None,
    depth: int = DEPTH,
    parts: ranking.Components | None = None,
) -> Candidates:
    index = index or ranking.get_index()
    if parts is None:  # else the caller's, of this same vector
        if query is not None:
            parts = ranking.components(index, query, mode=mode)
        else:
            parts = ranking.vector_components(index, vector)
    if query is not None and mode != "bm25" and len(index.chunk_text):
        _expand_in_process(index, parts, query)
    valid = prefilter_mask(index.kind_array, index.doc_object_id, kinds, within)
    if not index.exact:
        valid &= index.doc_alive  # superseded rows and removed documents (``ranking._refresh``)
    if exclude_rows is not None:
        valid[exclude_rows] = False
    lexical = _top(parts.bm25, valid & (parts.bm25 > 0), depth)
    dense = _top(parts.dense, valid & (parts.dense > -1), depth)
    rows = np.union1d(lexical, dense).astype(np.int64)
    return _inprocess_rows(index, rows, parts)


def _inprocess_rows(index, rows: np.ndarray, parts) -> Candidates:
    def passages(positions: list[int]) -> list[tuple[str, bool]]:
        found = []
        for position in positions:
            chunk = ranking.best_chunk(index, int(rows[position]), parts)
            if chunk < 0:
                found.append(("", False))
            else:
                found.append((index.chunk_text[chunk], bool(index.chunk_linked[chunk])))
        return found

    return Candidates(
        kind=index.kind_array[rows],
        object_id=index.doc_object_id[rows],
        community=index.doc_community[rows],
        key=[index.doc_key[r] for r in rows],
        title=[index.doc_title[r] for r in rows],
        url=[index.doc_url[r] for r in rows],
        bm25=parts.bm25[rows],
        dense=parts.dense[rows],
        query_terms=parts.query_terms,
        passages=passages,
        version=index.version,
    )


def _public(kind, object_id, community, version) -> np.ndarray:
    """Which documents anyone may read: only their text may steer a query (feedback)."""
    from django.contrib.auth.models import AnonymousUser

    from search.selectors import visible_mask

    pool = Candidates(
        kind=np.asarray(kind, dtype=object),
        object_id=np.asarray(object_id, dtype=np.int64),
        community=np.asarray(community, dtype=np.int64),
        key=[],
        title=[],
        url=[],
        bm25=np.zeros(len(object_id), dtype=np.float32),
        dense=np.zeros(len(object_id), dtype=np.float32),
        query_terms=set(),
        passages=lambda positions: [],
        version=version,
    )
    return visible_mask(AnonymousUser(), pool)


def _feedback_vector(query: str, vectors: np.ndarray) -> np.ndarray | None:
    """Pseudo-relevance feedback (Rocchio): the query vector moved towards the mean of the
    best public passages. On the dev queries it lifts paraphrase, crossover and situation
    queries (nDCG@10 0.807 → 0.816) without hurting keyword queries; see bench/README.md."""
    alpha = float(ranking.weights()["feedback"])
    if alpha <= 0 or not len(vectors):
        return None
    moved = ranking.query_vector(query) + alpha * vectors.mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return moved / norm if norm else None


def _expand_in_process(index, parts, query: str) -> None:
    """Feedback re-scores only the chunks that can still make the top: the ``RESCORE``
    best by the plain query (a second pass over every chunk would double the cost of
    dense retrieval); the others keep the plain query's score, scaled like the rest."""
    pool = parts.chunk_dense
    top = np.argpartition(-pool, min(FEEDBACK_POOL, len(pool)) - 1)[:FEEDBACK_POOL]
    top = top[np.argsort(-pool[top])]
    rows = index.chunk_doc[top]
    public = _public(
        index.kind_array[rows], index.doc_object_id[rows], index.doc_community[rows], index.version
    )
    if not index.exact:  # a removed chunk's words never steer a query
        public &= index.chunk_alive[top]
    chosen = index.vectors(top[public][:FEEDBACK_CHUNKS])
    vector = _feedback_vector(query, chosen)
    if vector is None:
        return
    if len(pool) <= RESCORE:
        moved = ranking.vector_components(index, vector)
        parts.dense, parts.chunk_dense = moved.dense, moved.chunk_dense
        return
    alpha = float(ranking.weights()["feedback"])
    unnormalised = ranking.query_vector(query) + alpha * chosen.mean(axis=0)
    scale = 1.0 / float(np.linalg.norm(unnormalised))
    rescored = np.argpartition(-pool, RESCORE - 1)[:RESCORE]
    chunk_dense = np.where(pool > -1, pool * scale, -1.0).astype(np.float32)
    chunk_dense[rescored] = np.where(pool[rescored] > -1, index.vectors(rescored) @ vector, -1.0)
    parts.chunk_dense = chunk_dense
    parts.dense = ranking.per_document_max(index, chunk_dense, -1.0)


# ---------------------------------------------------------------- PostgreSQL


def _expand_postgres(hits, query: str, version) -> np.ndarray | None:
    meta = {
        pk: (kind, object_id, community if community is not None else -1)
        for pk, kind, object_id, community in SearchDocument.objects.filter(
            pk__in={document for document, _chunk, _score in hits}
        ).values_list("pk", "kind", "object_id", "community_id")
    }
    hits = [hit for hit in hits if hit[0] in meta]
    if not hits:
        return None
    rows = [meta[document] for document, _chunk, _score in hits]
    public = _public(*(list(column) for column in zip(*rows, strict=True)), version)
    chosen = [hit[1] for hit, ok in zip(hits, public, strict=True) if ok][:FEEDBACK_CHUNKS]
    vectors = dict(SearchChunk.objects.filter(pk__in=chosen).values_list("pk", "embedding"))
    stacked = [from_bytes(vectors[pk]) for pk in chosen if pk in vectors]
    return _feedback_vector(query, np.vstack(stacked)) if stacked else None


def _best_per_document(hits, factor: Mapping[int, float] | None = None) -> dict[int, tuple]:
    best: dict[int, tuple[float, int]] = {}
    for document_id, chunk_id, score in hits:
        score = float(score) * (factor.get(chunk_id, 1.0) if factor else 1.0)
        if document_id not in best or score > best[document_id][0]:
            best[document_id] = (score, chunk_id)
    return best


def _postgres(
    query: str | None,
    vector: np.ndarray | None,
    mode: str,
    kinds,
    within,
    exclude_documents: Collection[int] = (),
    depth: int = DEPTH,
) -> Candidates:
    from search.backends import postgres

    version = ranking.current_version()
    lexical_hits = []
    if query is not None and mode in ("bm25", "hybrid"):
        lexical_hits = postgres.lexical_chunks(query, limit=DEPTH, kinds=kinds)
    dense_hits = []
    if mode in ("dense", "hybrid"):
        if vector is None and query is not None:
            query_vector = ranking.query_vector(query)
            dense_hits = postgres.dense_chunks(query_vector, limit=DEPTH, kinds=kinds)
            moved = _expand_postgres(dense_hits[:FEEDBACK_POOL], query, version)
            if moved is not None:
                dense_hits = postgres.dense_chunks(moved, limit=DEPTH, kinds=kinds)
        elif vector is not None:
            dense_hits = postgres.dense_chunks(vector, limit=depth, kinds=kinds)
    linked = dict(
        SearchChunk.objects.filter(pk__in=[hit[1] for hit in lexical_hits]).values_list(
            "pk", "is_linked"
        )
    )
    link_weight = float(ranking.weights()["linked"])
    factor = {pk: link_weight for pk, is_linked in linked.items() if is_linked}
    lexical = _best_per_document(lexical_hits, factor)
    dense = _best_per_document(dense_hits)
    documents = list(
        SearchDocument.objects.filter(pk__in=set(lexical) | set(dense))
        .exclude(pk__in=exclude_documents)
        .order_by("pk")
        .values_list("pk", "kind", "object_id", "key", "title", "url", "community_id")
    )
    kind = np.array([d[1] for d in documents], dtype=object)
    object_id = np.array([d[2] for d in documents], dtype=np.int64)
    keep = prefilter_mask(kind, object_id, kinds, within)
    documents = [d for d, kept in zip(documents, keep, strict=True) if kept]
    pks = [d[0] for d in documents]
    best_chunks = [lexical[pk][1] if pk in lexical else dense[pk][1] for pk in pks]

    def passages(positions: list[int]) -> list[tuple[str, bool]]:
        wanted = [best_chunks[p] for p in positions]
        rows = dict(
            (pk, (text, is_linked))
            for pk, text, is_linked in SearchChunk.objects.filter(pk__in=wanted).values_list(
                "pk", "text", "is_linked"
            )
        )
        return [rows.get(pk, ("", False)) for pk in wanted]

    return Candidates(
        kind=np.array([d[1] for d in documents], dtype=object),
        object_id=np.array([d[2] for d in documents], dtype=np.int64),
        community=np.array([d[6] if d[6] is not None else -1 for d in documents], dtype=np.int64),
        key=[d[3] for d in documents],
        title=[d[4] for d in documents],
        url=[d[5] for d in documents],
        bm25=np.array([lexical[pk][0] if pk in lexical else 0.0 for pk in pks], dtype=np.float32),
        dense=np.array([dense[pk][0] if pk in dense else -1.0 for pk in pks], dtype=np.float32),
        query_terms=set(terms(query or "")),
        passages=passages,
        version=version,
    )


# ---------------------------------------------------------------- entry points


def for_query(query: str, *, mode: str, kinds: Iterable[str] | None = None) -> Candidates:
    """Candidates for a query; ``kinds`` limits them before the top ``DEPTH`` is cut (and,
    in PostgreSQL, before anything is ranked), so asking for communities alone finds the
    best communities, not the communities among the best items of every kind."""
    if use_postgres():
        return _postgres(query, None, mode, kinds, None)
    return _inprocess(query, None, mode, kinds, None)


def for_documents(document_pks: Collection[int]) -> Candidates:
    """Documents as candidates, to check their visibility."""
    rows = list(
        SearchDocument.objects.filter(pk__in=document_pks)
        .order_by("pk")
        .values_list("kind", "object_id", "key", "title", "url", "community_id")
    )
    return Candidates(
        kind=np.array([r[0] for r in rows], dtype=object),
        object_id=np.array([r[1] for r in rows], dtype=np.int64),
        community=np.array([r[5] if r[5] is not None else -1 for r in rows], dtype=np.int64),
        key=[r[2] for r in rows],
        title=[r[3] for r in rows],
        url=[r[4] for r in rows],
        bm25=np.zeros(len(rows), dtype=np.float32),
        dense=np.zeros(len(rows), dtype=np.float32),
        query_terms=set(),
        passages=lambda positions: [("", False) for _ in positions],
    )


def _mean_direction(vectors: list[np.ndarray]) -> np.ndarray | None:
    """The normalised mean of ``vectors`` (None without any, or when they cancel out)."""
    if not vectors:
        return None
    mean = np.vstack(vectors).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else None


def _document_vectors_postgres(document_pks: list[int]) -> list[np.ndarray]:
    """Each document's probe: the mean of its own (not linked) passages (one query)."""
    own: dict[int, list[np.ndarray]] = {}
    for document_id, vector in SearchChunk.objects.filter(
        document_id__in=document_pks, is_linked=False
    ).values_list("document_id", "embedding"):
        own.setdefault(document_id, []).append(from_bytes(vector))
    probes = (_mean_direction(own.get(pk, [])) for pk in document_pks)
    return [probe for probe in probes if probe is not None]


def near_documents(
    kind: str, keys: Iterable[str], *, kinds: Iterable[str] | None = None, depth: int = DEPTH
) -> tuple[Candidates, Candidates] | None:
    """(the documents themselves, the documents nearest in meaning to them together), or
    None when none of them is indexed with a vector. Each document's probe is the mean of
    its own (not linked) passages; several are averaged into one direction. ``depth`` is
    how many nearest passages (in-process: documents) are looked at."""
    keys = [str(key) for key in keys]
    if use_postgres():
        pks = list(
            SearchDocument.objects.filter(kind=kind, key__in=keys)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        vector = _mean_direction(_document_vectors_postgres(pks))
        if vector is None:
            return None
        return for_documents(pks), _postgres(
            None, vector, "dense", kinds, None, exclude_documents=pks, depth=depth
        )
    index = ranking.get_index()
    rows = np.array(
        sorted(row for row in (index.row_of(kind, key) for key in keys) if row is not None),
        dtype=np.int64,
    )
    probes = (ranking.document_vector(index, int(row)) for row in rows)
    vector = _mean_direction([probe for probe in probes if probe is not None])
    if vector is None:
        return None
    parts = ranking.vector_components(index, vector)
    return _inprocess_rows(index, rows, parts), _inprocess(
        None, vector, "dense", kinds, None, exclude_rows=rows, index=index, depth=depth, parts=parts
    )
