"""Reads of the search index: ``search`` (query → ranked results), ``similar_to`` (item →
nearest items) and ``similar_to_text`` (a pasted situation → nearest items), for the
search page, recommendations and the situation page.

Each asks ``search.retrieval`` for candidates (in process or in PostgreSQL), applies the
visibility rule to them, fuses the scores and only then cuts the ranking, so paging and
counts never reveal what the user may not read.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from search import retrieval
from search.models import DocumentKind
from search.ranking import current_version, fuse, query_weights, weights
from search.retrieval import Candidates
from search.text import key_sentences, matched_words

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
    reason: str = "terms"
    """"terms": shares ``matched_terms``; "meaning": similar in meaning to ``snippet``;
    "context": the best passage is public text of an experience, answer or journal entry
    that used this instrument (it worked in a similar context)."""

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
    ranked: list[tuple[str, int]] = field(default_factory=list)
    """(kind, object id) of every result above the relevance cut-off, best first."""

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


PUBLIC_TTL_SECONDS = 30
_public_sets: dict[str, tuple] = {}


def _public_ids(version: tuple[int, str] | None = None) -> dict[str, np.ndarray]:
    """What an anonymous visitor may see, by the visibility rule, remembered per index
    version for at most ``PUBLIC_TTL_SECONDS``: saving an instrument or a community (the
    only ways their visibility changes) bumps the version, and the time limit covers bulk
    updates that bypass saving. At 100k items this saves a large ``pk IN (…)`` per search."""
    from django.contrib.auth.models import AnonymousUser

    from communities.visibility import listed_communities, readable_communities
    from instruments.models import Instrument

    version = version or current_version()
    cached = _public_sets.get("ids")
    if cached and cached[0] == version and time.monotonic() - cached[1] < PUBLIC_TTL_SECONDS:
        return cached[2]
    anonymous = AnonymousUser()
    ids = {
        DocumentKind.INSTRUMENT: Instrument.objects.visible_to(anonymous),
        DocumentKind.COMMUNITY: listed_communities(anonymous),
        "readable": readable_communities(anonymous),
    }
    # ``order_by()``: the models' default ordering (by title, by name) would make the
    # database sort 40k rows at 100k items for nothing; the ids are sorted here.
    ids = {
        name: np.array(sorted(queryset.order_by().values_list("pk", flat=True)), dtype=np.int64)
        for name, queryset in ids.items()
    }
    _public_sets["ids"] = (version, time.monotonic(), ids)
    return ids


def visible_mask(user, candidates: Candidates) -> np.ndarray:
    """Which candidates ``user`` may see, by the one visibility rule: community content by
    ``readable_communities``, communities by ``listed_communities``, instruments by
    ``Instrument.objects.visible_to``. What anyone may see comes from ``_public_ids``; a
    signed-in user's rules are asked only about the candidates beyond that."""
    from communities.visibility import listed_communities, readable_communities
    from instruments.models import Instrument

    allowed = np.ones(len(candidates), dtype=bool)
    if not len(candidates):
        return allowed
    public = _public_ids(candidates.version)
    signed_in = user is not None and user.is_authenticated
    in_community = candidates.community >= 0
    if in_community.any():
        readable = np.isin(candidates.community, public["readable"])
        hidden = in_community & ~readable
        if signed_in and hidden.any():
            extra = readable_communities(user).filter(
                pk__in=set(candidates.community[hidden].tolist())
            )
            readable |= np.isin(candidates.community, list(extra.values_list("pk", flat=True)))
        allowed &= ~in_community | readable
    for kind, queryset in (
        (DocumentKind.INSTRUMENT, Instrument.objects.visible_to(user) if signed_in else None),
        (DocumentKind.COMMUNITY, listed_communities(user) if signed_in else None),
    ):
        of_kind = candidates.kind == kind
        if not of_kind.any():
            continue
        visible = np.isin(candidates.object_id, public[kind])
        hidden = of_kind & ~visible
        if queryset is not None and hidden.any():
            extra = queryset.filter(pk__in=candidates.object_id[hidden].tolist())
            visible |= np.isin(candidates.object_id, list(extra.values_list("pk", flat=True)))
        allowed &= ~of_kind | visible
    return allowed


def _snippet(text: str, title: str) -> str:
    prefix = f"{title}. "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _results(candidates: Candidates, positions, scores: np.ndarray) -> list[SearchResult]:
    positions = [int(p) for p in positions]
    results = []
    for position, (text, is_linked) in zip(positions, candidates.passages(positions), strict=True):
        matched = matched_words(text, candidates.query_terms) if text else []
        reason = "context" if is_linked else ("terms" if matched else "meaning")
        results.append(
            SearchResult(
                kind=str(candidates.kind[position]),
                key=candidates.key[position],
                object_id=int(candidates.object_id[position]),
                title=candidates.title[position],
                url=candidates.url[position],
                score=round(float(scores[position]), 4),
                snippet=_snippet(text, candidates.title[position]),
                matched_terms=matched,
                reason=reason,
            )
        )
    return results


def _ranked(scores: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(np.isfinite(scores))
    return rows[np.lexsort((rows, -scores[rows]))]


def _score(
    user, candidates: Candidates, query: str, mode: str, among: np.ndarray | None = None
) -> np.ndarray:
    """Fused scores of the candidates ``user`` may see (and that are ``among``, if given)."""
    config = weights()
    bm25_weight, dense_weight = query_weights(query, config)
    allowed = visible_mask(user, candidates)
    if among is not None:
        allowed &= among
    return fuse(
        candidates.bm25,
        candidates.dense,
        allowed,
        mode=mode,
        bm25_weight=bm25_weight,
        dense_weight=dense_weight,
        floor_quantile=float(config["dense_floor"]),
        min_relative=float(config["min_relative"]) if mode == "hybrid" else 0.0,
    )


def search(
    *,
    user,
    query: str,
    kinds: Iterable[str] | None = None,
    mode: str = "hybrid",
    limit: int = 10,
    offset: int = 0,
    within: Mapping[str, Collection[int]] | None = None,
) -> SearchResults:
    """Rank what ``user`` may see for ``query``.

    ``mode`` is "hybrid" (default), "bm25" or "dense"; ``kinds`` limits to DocumentKind
    values; ``within`` maps a kind to the object ids it may return (facet filters). Both
    filter the ranking of all kinds, so the relevance cut-off (below ``min_relative`` × the
    best score) is the same with and without them. ``total`` counts what passes.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    query = (query or "").strip()
    if not query:
        return SearchResults(query, mode, 0, offset, limit, [])
    candidates = retrieval.for_query(_query_text(query), mode=mode)
    scores = _score(user, candidates, query, mode)
    ranked = _ranked(scores)
    if kinds or within:
        # Filters narrow the ranking of everything, so a filtered view shows exactly the
        # results (and scores) the unfiltered one counted for that filter.
        wanted = retrieval.prefilter_mask(candidates.kind, candidates.object_id, kinds, within)
        ranked = ranked[wanted[ranked]]
    page = _results(candidates, ranked[offset : offset + limit], scores)
    return SearchResults(
        query,
        mode,
        len(ranked),
        offset,
        limit,
        page,
        ranked=[(str(candidates.kind[r]), int(candidates.object_id[r])) for r in ranked],
    )


def _query_text(query: str) -> str:
    """Long situation descriptions are cut to their key sentences (see ``key_sentences``)."""
    return key_sentences(query)


def similar_to(
    *, user, kind: str, key: str, limit: int = 5, kinds: Iterable[str] | None = None
) -> list[SearchResult]:
    """Documents nearest in meaning to the document of ``kind``/``key`` (itself excluded),
    among those ``user`` may see; empty when ``user`` may not see the document itself."""
    return similar_to_group(user=user, kind=kind, keys=[key], limit=limit, kinds=kinds)


def similar_to_group(
    *, user, kind: str, keys: Iterable[str], limit: int = 5, kinds: Iterable[str] | None = None
) -> list[SearchResult]:
    """Documents nearest in meaning to the documents of ``kind``/``keys`` together (such
    as the communities that used an instrument), those excluded, among those ``user`` may
    see; empty when ``user`` may not see every one of them.

    The nearest ``retrieval.NEIGHBOUR_DEPTH`` are looked at first, all ``DEPTH`` only when
    fewer than ``limit`` of those are visible to ``user``. Stored vectors are the probe,
    so nothing is embedded or matched word by word: at 100k items embedding the using
    communities' challenges as a text cost an instrument page about a second."""
    keys = list(keys)
    found = retrieval.near_documents(kind, keys, kinds=kinds, depth=retrieval.NEIGHBOUR_DEPTH)
    if found is None:
        return []
    themselves, candidates = found
    if not visible_mask(user, themselves).all():
        return []
    visible = visible_mask(user, candidates)
    if visible.sum() < limit and retrieval.NEIGHBOUR_DEPTH < retrieval.DEPTH:
        deeper = retrieval.near_documents(kind, keys, kinds=kinds)
        if deeper is not None:  # None only if the documents went in between
            candidates = deeper[1]
            visible = visible_mask(user, candidates)
    scores = np.where(visible, candidates.dense, -np.inf)
    results = _results(candidates, _ranked(scores)[:limit], scores)
    for result in results:
        result.reason = "meaning"
    return results


def similar_to_text(
    *,
    user,
    text: str,
    limit: int = 10,
    kinds: Iterable[str] | None = None,
    exclude: Iterable[tuple[str, str]] = (),
) -> list[SearchResult]:
    """The items nearest to a free text (a pasted situation, a question): hybrid ranking
    of its key sentences among ``kinds``; ``exclude`` drops (kind, key) pairs such as the
    item itself."""
    text = (text or "").strip()
    if not text:
        return []
    skip = {(kind, str(key)) for kind, key in exclude}
    candidates = retrieval.for_query(_query_text(text), mode="hybrid", kinds=kinds)
    among = retrieval.prefilter_mask(candidates.kind, candidates.object_id, kinds, None)
    among &= np.array(
        [
            (str(kind), key) not in skip
            for kind, key in zip(candidates.kind, candidates.key, strict=True)
        ],
        dtype=bool,
    )
    # Here the cut-off is relative to the best item of the kinds asked for: a question's
    # own page must still get instruments when the question itself matches best.
    scores = _score(user, candidates, text, "hybrid", among)
    return _results(candidates, _ranked(scores)[:limit], scores)
