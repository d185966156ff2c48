"""PostgreSQL search primitives: full-text (Dutch) and vector (pgvector HNSW) reads over chunks.

Reads only, in SQL with parameters; ``search.selectors`` fuses and filters them.
They rely on the column and indexes made by migration ``search.0002``:

- ``search_vector``: a stored generated column, ``to_tsvector('dutch', text)``, computed once
  when a chunk is written (parsing and stemming the text on every query cost ~0.25 ms per
  matching chunk: seconds for a common word at 10k items), with the GIN index
  ``search_chunk_search_vector_gin`` over it;
- ``search_chunk_embedding_hnsw``: HNSW over ``embedding vector_cosine_ops``; the dense query
  orders by ``embedding <=> vector`` (cosine distance) with a LIMIT, which is what it serves.

Each function is ONE statement (one round trip), also inside a transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import connection

from search.fields import to_vector_text
from search.models import SearchChunk
from search.text import TOKEN

# A pasted situation can be long; each distinct word is one more branch of the OR, so cap them.
MAX_QUERY_WORDS = 200
# pgvector accepts hnsw.ef_search up to 1000; its default is 40.
MIN_EF_SEARCH = 40
MAX_EF_SEARCH = 1000

# ts_rank normalisation 1|32: chunks are about 100 words (search.text.CHUNK_WORDS), but a
# short one (a title, a last paragraph) should not lose to a long one only because the long one
# has room for more matches: 1 divides by 1 + log(length), a gentle length correction (2, divide
# by length, would make every short chunk win). 32 maps the rank to rank/(rank+1), so scores lie
# in [0, 1) like cosine similarities, without changing the order.
# ts_rank, not ts_rank_cd: the cover density walks every cover of an OR query through the
# chunk, ~5x the cost per matching chunk (a 15-word sentence matching 16k of 26k chunks at
# 10k items: 570 ms against 110 ms), and proximity says little for an OR of loose words.
RANK_NORMALISATION = 1 | 32

# The query's words go through the same `dutch` configuration as the chunks (stemming, stop
# words), and each lexeme is ORed with its variant with the last consonant doubled or undoubled:
# PostgreSQL's Dutch Snowball stemmer undoubles only k, d and t, so "gemeenschappen" becomes
# 'gemeenschapp' while "gemeenschap" stays 'gemeenschap' (likewise mannen/man, bussen/bus).
# The lexemes are letters and digits only (see query_words), so joining them with "|" for
# to_tsquery('simple', ...) cannot produce query syntax. The tsquery is computed once (a
# materialised CTE read through a scalar subquery); the match and the rank read the stored
# column search_vector, so the GIN index serves the match and no chunk text is parsed.
# Every matching chunk is ranked (the top `limit` by a top-N heap sort): the cost grows with
# the number of matches, ~7 us per chunk. In a large library one common word makes that
# most of the table (at 100k items "community" is in a third of all chunks: ~0.8 s a query,
# bench/load.py). So there, the words are taken rarest first, as long as the chunks they
# match together stay within LEXICAL_MATCH_BUDGET of the table (by the planner's statistics
# of the column, pg_stats.most_common_elems, which ANALYZE keeps: jobs.maintenance). Words
# not among the common ones are rare and always kept, and so is the rarest common one when
# nothing else fits. The words left out are the ones BM25 would weigh least, and
# the dense half of hybrid search still reads the whole query. Below
# LEXICAL_BUDGET_MIN_CHUNKS chunks every word counts, as before.
LEXICAL_MATCH_BUDGET = 0.03
LEXICAL_BUDGET_MIN_CHUNKS = 20_000
_LEXICAL = r"""
WITH lexemes AS (
    SELECT unnest(tsvector_to_array(to_tsvector('dutch', %s))) AS lexeme
), variants AS (
    SELECT lexeme FROM lexemes
    UNION SELECT regexp_replace(lexeme, '([b-df-hj-np-tv-z])\1$', '\1') FROM lexemes
    UNION SELECT lexeme || right(lexeme, 1) FROM lexemes
        WHERE lexeme ~ '[aeiouy][b-df-hj-np-tv-z]$'
), shares AS (
    SELECT common.lexeme, common.share
    FROM pg_stats AS stats,
         unnest(stats.most_common_elems::text::text[], stats.most_common_elem_freqs)
             AS common(lexeme, share)
    WHERE stats.schemaname = current_schema() AND stats.tablename = 'search_searchchunk'
      AND stats.attname = 'search_vector'
), ranked AS (
    SELECT variants.lexeme, shares.share,
           sum(coalesce(shares.share, 0)) OVER (
               ORDER BY shares.share NULLS FIRST, variants.lexeme
           ) AS matched,
           row_number() OVER (
               PARTITION BY shares.share IS NULL ORDER BY shares.share, variants.lexeme
           ) AS place
    FROM variants LEFT JOIN shares USING (lexeme)
), query AS MATERIALIZED (
    SELECT to_tsquery('simple', string_agg(lexeme, ' | ' ORDER BY lexeme)) AS tsquery
    FROM ranked
    WHERE share IS NULL OR place = 1 OR matched <= {budget}
       OR (SELECT reltuples FROM pg_class WHERE oid = 'search_searchchunk'::regclass) < {large}
)
SELECT document_id, id,
       ts_rank(search_vector, (SELECT tsquery FROM query), 33) AS score
FROM search_searchchunk
WHERE search_vector @@ (SELECT tsquery FROM query){kinds}
ORDER BY score DESC, id
LIMIT %s
"""
assert f", {RANK_NORMALISATION}) AS score" in _LEXICAL

# One statement: the settings row, then (LATERAL, so after it) the HNSW scan. The scan reads
# the settings when it fetches its first row, and the WHERE on `settings` is a one-time
# filter (it names no column of the chunks) evaluated before that, so the scan sees them:
# - hnsw.ef_search, the candidate list (an HNSW scan returns at most that many rows), is raised to
#   the limit (pgvector caps it at 1000; its default is 40);
# - on pgvector >= 0.8, hnsw.iterative_scan = strict_order: the scan goes on past rows it finds
#   dead (chunks are deleted and recreated on every reindex, and the index keeps them until
#   VACUUM) instead of returning fewer than `limit` rows, and still in exact distance order.
# set_config(..., true) is SET LOCAL: in autocommit (a request) the statement is its own
# transaction and the settings end with it; inside a transaction they last until its end,
# which only matters to HNSW scans, and every one of them is this query, setting its own.
_DENSE = """
SELECT found.document_id, found.id, found.distance
FROM (
    SELECT set_config('hnsw.ef_search', %s, true) AS ef_search,
           CASE WHEN (SELECT string_to_array(extversion, '.')::int[] >= '{0,8}'
                      FROM pg_extension WHERE extname = 'vector')
                THEN set_config('hnsw.iterative_scan', 'strict_order', true) END AS iterative
) AS settings
CROSS JOIN LATERAL (
    SELECT document_id, id, embedding <=> %s::vector AS distance
    FROM search_searchchunk
    WHERE settings.ef_search IS NOT NULL{kinds}
    ORDER BY distance
    LIMIT %s
) AS found
ORDER BY found.distance
"""


# Only chunks of documents of these kinds (a text[] parameter), before they are ranked: the
# rank is the cost of a long OR query (~7 us per matching chunk), and a page that wants
# communities should not rank the 265k chunks of every kind at 100k items to keep a few.
# The dense scan filters as it goes (iterative scans, pgvector >= 0.8).
KINDS_FILTER = """
  AND document_id IN (SELECT id FROM search_searchdocument WHERE kind = ANY(%s))"""


def lexical_sql(*, of_kinds: bool, budget: float, large: int) -> str:
    """The lexical statement with its constants (tests try other budgets and sizes)."""
    sql = _LEXICAL.replace("{budget}", repr(float(budget))).replace("{large}", str(int(large)))
    return sql.replace("{kinds}", KINDS_FILTER if of_kinds else "")


LEXICAL_SQL, LEXICAL_SQL_OF_KINDS = (
    lexical_sql(of_kinds=of_kinds, budget=LEXICAL_MATCH_BUDGET, large=LEXICAL_BUDGET_MIN_CHUNKS)
    for of_kinds in (False, True)
)
DENSE_SQL = _DENSE.replace("{kinds}", "")
DENSE_SQL_OF_KINDS = _DENSE.replace("{kinds}", KINDS_FILTER)


def query_words(query: str) -> str:
    """The query's distinct words (runs of letters and digits, search.text.TOKEN), lower-cased
    and joined by spaces: no tsquery operator (``& | ! ( ) : * < > '``) or other punctuation
    survives, so the lexemes PostgreSQL makes of them are plain words. Empty without words."""
    words = list(dict.fromkeys(word.lower() for word in TOKEN.findall(query)))
    return " ".join(words[:MAX_QUERY_WORDS])


def lexical_chunks(
    query: str, *, limit: int, kinds: Iterable[str] | None = None
) -> list[tuple[int, int, float]]:
    """(document_id, chunk_id, score) best first: chunks whose Dutch text-search vector
    shares at least one stemmed word with the query (OR semantics, so long situation queries
    still match; see LEXICAL_SQL), ranked by ``ts_rank`` with normalisation 1|32 (see
    RANK_NORMALISATION), of documents of ``kinds`` only when given. Dutch stop words alone
    match nothing. One statement."""
    words = query_words(query)
    if not words or limit <= 0:
        return []
    with connection.cursor() as cursor:
        if kinds:
            cursor.execute(LEXICAL_SQL_OF_KINDS, [words, sorted(set(kinds)), limit])
        else:
            cursor.execute(LEXICAL_SQL, [words, limit])
        return [(document_id, chunk_id, float(score)) for document_id, chunk_id, score in cursor]


def dense_chunks(
    vector: np.ndarray, *, limit: int, kinds: Iterable[str] | None = None
) -> list[tuple[int, int, float]]:
    """(document_id, chunk_id, cosine similarity) best first, through the HNSW index, with
    the candidate list raised to ``limit``, of documents of ``kinds`` only when given. One
    statement (DENSE_SQL), also in a transaction."""
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    if limit <= 0 or not np.any(vector):
        return []  # the cosine distance to a zero vector is undefined
    ef_search = str(min(max(limit, MIN_EF_SEARCH), MAX_EF_SEARCH))
    vector_text = to_vector_text(vector)
    with connection.cursor() as cursor:
        if kinds:
            cursor.execute(DENSE_SQL_OF_KINDS, [ef_search, vector_text, sorted(set(kinds)), limit])
        else:
            cursor.execute(DENSE_SQL, [ef_search, vector_text, limit])
        return [
            (document_id, chunk_id, 1.0 - float(distance))
            for document_id, chunk_id, distance in cursor.fetchall()
        ]


def chunk_vectors(document_ids: Iterable[int]) -> dict[int, list[bytes]]:
    """Each document's own chunk vectors (float32 bytes, in chunk order), for ``similar_to``.

    "Own" as in ``search.ranking.document_vector``: the chunks that are not linked text from
    other content, or all of a document's chunks when it has only linked ones. Every id asked
    for is a key; a document without chunks maps to an empty list.
    """
    ids = list(dict.fromkeys(int(pk) for pk in document_ids))
    own: dict[int, list[bytes]] = {pk: [] for pk in ids}
    if not ids:
        return own
    linked: dict[int, list[bytes]] = {pk: [] for pk in ids}
    rows = (
        SearchChunk.objects.filter(document_id__in=ids)
        .order_by("document_id", "position")
        .values_list("document_id", "is_linked", "embedding")
    )
    for document_id, is_linked, embedding in rows:
        (linked if is_linked else own)[document_id].append(embedding)
    return {pk: own[pk] or linked[pk] for pk in ids}
