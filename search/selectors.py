"""Reads of the search index: ``search`` (query → ranked results) and ``similar_to``
(item → nearest items, for recommendations). Both filter by the visibility rule before
the ranking is cut, so paging and counts never reveal what the user may not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from search.models import DocumentKind
from search.ranking import (
    LoadedIndex,
    best_chunk,
    components,
    document_vector,
    fuse,
    get_index,
    per_document_max,
    query_weights,
    weights,
)
from search.text import matched_words

MODES = ("hybrid", "bm25", "dense")
SNIPPET_CHARS = 280


@dataclass
class SearchResult:
    kind: str
    key: str
    object_id: int
    title: str
    url: str
    score: float
    snippet: str
    matched_terms: list[str] = field(default_factory=list)
    reason: str = "terms"  # "terms": shares matched_terms; "meaning": similar in meaning

    def as_dict(self) -> dict:
        return {"type": self.kind, "id": self.key, "title": self.title, "score": self.score}


@dataclass
class SearchResults:
    query: str
    mode: str
    total: int
    offset: int
    limit: int
    results: list[SearchResult]

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def allowed_documents(index: LoadedIndex, user, kinds: Iterable[str] | None = None) -> np.ndarray:
    """A boolean mask over the index: documents ``user`` may see (and of ``kinds``)."""
    from communities.visibility import listed_communities, readable_communities
    from instruments.models import Instrument

    allowed = np.ones(index.size, dtype=bool)
    if kinds:
        wanted = set(kinds)
        allowed &= np.array([kind in wanted for kind in index.doc_kind], dtype=bool)
    if not index.size:
        return allowed
    kind_array = np.array(index.doc_kind)
    readable = np.array(list(readable_communities(user).values_list("pk", flat=True)))
    in_community = index.doc_community >= 0
    allowed &= ~in_community | np.isin(index.doc_community, readable)
    instruments = kind_array == DocumentKind.INSTRUMENT
    if instruments.any():
        visible = np.array(list(Instrument.objects.visible_to(user).values_list("pk", flat=True)))
        allowed &= ~instruments | np.isin(index.doc_object_id, visible)
    communities = kind_array == DocumentKind.COMMUNITY
    if communities.any():
        listed = np.array(list(listed_communities(user).values_list("pk", flat=True)))
        allowed &= ~communities | np.isin(index.doc_object_id, listed)
    return allowed


def _snippet(index: LoadedIndex, row: int, chunk: int) -> str:
    if chunk < 0:
        return ""
    text = index.chunk_text[chunk]
    prefix = f"{index.doc_title[row]}. "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _result(index: LoadedIndex, row: int, score: float, chunk: int, query_terms) -> SearchResult:
    matched = matched_words(index.chunk_text[chunk], query_terms) if chunk >= 0 else []
    return SearchResult(
        kind=index.doc_kind[row],
        key=index.doc_key[row],
        object_id=int(index.doc_object_id[row]),
        title=index.doc_title[row],
        url=index.doc_url[row],
        score=round(float(score), 4),
        snippet=_snippet(index, row, chunk),
        matched_terms=matched,
        reason="terms" if matched else "meaning",
    )


def _rank(scores: np.ndarray) -> np.ndarray:
    candidates = np.flatnonzero(np.isfinite(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


def search(
    *,
    user,
    query: str,
    kinds: Iterable[str] | None = None,
    mode: str = "hybrid",
    limit: int = 10,
    offset: int = 0,
) -> SearchResults:
    """Rank the documents ``user`` may see for ``query``.

    ``mode`` is "hybrid" (default), "bm25" or "dense"; ``kinds`` limits to DocumentKind
    values. ``total`` counts documents with any lexical match or a cosine above the median.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    query = (query or "").strip()
    index = get_index()
    if not query or not index.size:
        return SearchResults(query, mode, 0, offset, limit, [])
    allowed = allowed_documents(index, user, kinds)
    parts = components(index, query, mode=mode)
    bm25_weight, dense_weight = query_weights(query)
    scores = fuse(
        parts,
        allowed,
        mode=mode,
        bm25_weight=bm25_weight,
        dense_weight=dense_weight,
        floor_quantile=float(weights()["dense_floor"]),
    )
    ranked = _rank(scores)
    page = ranked[offset : offset + limit]
    results = [
        _result(index, int(row), scores[row], best_chunk(index, int(row), parts), parts.query_terms)
        for row in page
    ]
    return SearchResults(query, mode, len(ranked), offset, limit, results)


def similar_to(
    *, user, kind: str, key: str, limit: int = 5, kinds: Iterable[str] | None = None
) -> list[SearchResult]:
    """Documents nearest in meaning to the document of ``kind``/``key`` (itself excluded),
    among those ``user`` may see; empty when ``user`` may not see the document itself."""
    index = get_index()
    rows = [
        row
        for row in range(index.size)
        if index.doc_kind[row] == kind and index.doc_key[row] == str(key)
    ]
    if not rows:
        return []
    row = rows[0]
    if not allowed_documents(index, user)[row]:
        return []
    vector = document_vector(index, row)
    if vector is None:
        return []
    allowed = allowed_documents(index, user, kinds)
    allowed[row] = False
    chunk_scores = index.matrix @ vector
    scores = per_document_max(index, chunk_scores, -np.inf)
    scores[~allowed] = -np.inf
    results = []
    for other in _rank(scores)[:limit]:
        start, end = int(index.doc_chunk_start[other]), int(index.doc_chunk_end[other])
        chunk = start + int(np.argmax(chunk_scores[start:end])) if end > start else -1
        result = _result(index, int(other), scores[other], chunk, set())
        result.reason = "meaning"
        results.append(result)
    return results
