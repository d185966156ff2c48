"""PostgreSQL storage and query primitives: the vector column, its indexes, the Dutch lexical
query and the HNSW dense query. Skipped on SQLite, except the round trip through the field."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from instruments.tests.factories import InstrumentFactory
from search.backends import postgres
from search.embedding import DIMENSIONS, from_bytes, get_embedder, to_bytes
from search.fields import to_vector_text
from search.models import SearchChunk, SearchDocument

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL + pgvector only"
)


def _unit(vector) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _document(n: int) -> SearchDocument:
    return SearchDocument.objects.create(kind="concept", object_id=n, key=f"c{n}", title=f"C{n}")


def _chunk(text: str, vector=None, *, document=None, position=0) -> SearchChunk:
    if vector is None:
        vector = get_embedder().embed_passages([text])[0]
    document = document or _document(SearchDocument.objects.count() + 1000)
    return SearchChunk.objects.create(
        document=document, position=position, text=text, embedding=to_bytes(vector)
    )


def _fetch(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def test_bytes_round_trip_through_the_field_unchanged():
    rng = np.random.default_rng(4)
    vector = rng.standard_normal(DIMENSIONS).astype(np.float32)
    vector[:3] = [1e-30, -3.4e38, 0.1]  # tiny, huge and a value with no short decimal form
    data = to_bytes(vector)
    chunk = _chunk("rond", vector)

    stored = SearchChunk.objects.get(pk=chunk.pk).embedding
    assert isinstance(stored, bytes)
    assert stored == data
    assert SearchChunk.objects.filter(pk=chunk.pk).values_list("embedding", flat=True)[0] == data
    assert np.array_equal(from_bytes(stored), vector)


@postgres_only
def test_the_column_is_a_384_dimensional_vector():
    [(column_type,)] = _fetch(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = 'search_searchchunk'::regclass AND attname = 'embedding'"
    )
    assert column_type == f"vector({DIMENSIONS})"


@postgres_only
def test_the_hnsw_and_dutch_gin_indexes_exist():
    definitions = dict(
        _fetch("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchchunk'")
    )
    assert "USING hnsw (embedding vector_cosine_ops)" in definitions["search_chunk_embedding_hnsw"]
    assert "USING gin (search_vector)" in definitions["search_chunk_search_vector_gin"]
    [(generated,)] = _fetch(
        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef JOIN pg_attribute"
        " ON attrelid = adrelid AND attnum = adnum"
        " WHERE adrelid = 'search_searchchunk'::regclass AND attname = 'search_vector'"
    )
    assert generated == "to_tsvector('dutch'::regconfig, text)"


@postgres_only
def test_the_search_vector_follows_the_text():
    chunk = _chunk("De gemeenschappen komen samen.")
    [(before,)] = _fetch(
        "SELECT search_vector::text FROM search_searchchunk WHERE id = %s", [chunk.pk]
    )
    assert "'gemeenschapp'" in before
    SearchChunk.objects.filter(pk=chunk.pk).update(text="Zonnepanelen op het dak.")
    [(after,)] = _fetch(
        "SELECT search_vector::text FROM search_searchchunk WHERE id = %s", [chunk.pk]
    )
    assert "'zonnepanel'" in after and "gemeenschap" not in after


def _plan(sql: str, params) -> str:
    with transaction.atomic():
        _fetch("SET LOCAL enable_seqscan = off")  # the table is tiny: make the index an option
        return "\n".join(row[0] for row in _fetch("EXPLAIN " + sql, params))


@postgres_only
def test_the_dense_query_uses_the_hnsw_index():
    for n in range(5):
        _chunk(f"tekst {n}")
    vector = to_vector_text(get_embedder().embed_query("tekst"))
    plan = _plan(postgres.DENSE_SQL, ["40", vector, 10])
    assert "Index Scan using search_chunk_embedding_hnsw" in plan, plan
    # The settings are a one-time filter above the scan, not a filter on its rows.
    assert "One-Time Filter" in plan, plan


@postgres_only
def test_the_lexical_query_uses_the_gin_index():
    _chunk("De gemeenschap komt samen.")
    plan = _plan(postgres.LEXICAL_SQL, [postgres.query_words("gemeenschappen energie"), 10])
    assert "search_chunk_search_vector_gin" in plan, plan
    assert "to_tsvector('dutch'::regconfig, text)" not in plan, plan  # no chunk text parsed


@postgres_only
def test_asked_for_kinds_only_their_chunks_are_ranked():
    community = SearchDocument.objects.create(kind="community", object_id=1, key="w", title="W")
    theirs = _chunk("De gemeenschap in de wijk.", document=community)
    for n in range(3):
        _chunk(f"De gemeenschap en de wijk, deel {n}.")
    vector = get_embedder().embed_query("gemeenschap wijk")

    lexical = postgres.lexical_chunks("gemeenschap wijk", limit=10, kinds=["community"])
    dense = postgres.dense_chunks(vector, limit=10, kinds=["community"])
    assert [hit[1] for hit in lexical] == [theirs.pk] == [hit[1] for hit in dense]
    assert len(postgres.lexical_chunks("gemeenschap wijk", limit=10)) == 4

    words = postgres.query_words("gemeenschap wijk")
    plan = _plan(postgres.LEXICAL_SQL_OF_KINDS, [words, ["community"], 10])
    # The planner picks the GIN index or the few documents of a kind; no text is parsed.
    assert "search_vector @@" in plan and "to_tsvector('dutch'::regconfig, text)" not in plan


def _tsquery(sql: str, words: str) -> str:
    """The tsquery a lexical statement builds for ``words`` (its CTEs, then the query)."""
    head = sql.split("SELECT document_id, id,")[0]
    return _fetch(head + "SELECT tsquery::text FROM query", [words])[0][0]  # noqa: S608


@postgres_only
def test_in_a_large_library_the_common_words_are_left_out_rarest_first():
    for n in range(30):
        _chunk(f"De gemeenschap werkt samen, deel {n}." + (" Dementie thuis." if n < 2 else ""))
    _fetch("ANALYZE search_searchchunk")  # the word shares come from the planner statistics
    large = postgres.lexical_sql(of_kinds=False, budget=0.2, large=0)

    rare = _tsquery(large, "gemeenschap dementie").split(" | ")
    assert "'dementie'" in rare and "'gemeenschap'" not in rare
    common = _tsquery(large, "gemeenschap samen").split(" | ")
    assert ("'gemeenschap'" in common) != ("'sam'" in common)  # only the rarer of the two
    assert postgres.lexical_chunks("gemeenschap dementie", limit=50)  # small: every word
    every = _tsquery(postgres.LEXICAL_SQL, "gemeenschap dementie")
    assert "'gemeenschap'" in every and "'dementie'" in every
    with connection.cursor() as cursor:
        cursor.execute(large, ["gemeenschap dementie", 50])
        assert len(cursor.fetchall()) == 2  # only the chunks with the rare word


@postgres_only
def test_dutch_stemming_finds_the_singular_for_the_plural():
    wanted = _chunk("Een energiecoöperatie bouwt aan de gemeenschap in de wijk.")
    _chunk("Zonnepanelen op het dak van de school.")

    found = postgres.lexical_chunks("gemeenschappen", limit=10)

    assert [(doc, chunk) for doc, chunk, _ in found] == [(wanted.document_id, wanted.pk)]
    assert 0 < found[0][2] < 1  # normalisation 32 keeps scores in (0, 1)


@postgres_only
def test_a_long_query_with_one_matching_word_still_finds_the_chunk():
    wanted = _chunk("Wij organiseerden een kruisbestuiving tussen buurten.")
    _chunk("Zonnepanelen op het dak van de school.")
    filler = [f"woord{n}x" for n in range(39)]
    query = " ".join(filler[:20] + ["kruisbestuivingen"] + filler[20:])
    assert len(query.split()) == 40

    found = postgres.lexical_chunks(query, limit=10)

    assert [chunk for _, chunk, _ in found] == [wanted.pk]


@postgres_only
def test_query_syntax_in_user_text_is_only_words():
    wanted = _chunk("De gemeenschap komt samen.")
    for query in ["gemeenschap & !(", "'gemeenschap' | :* <->", 'gemeenschap\\ OR -x "y']:
        assert [chunk for _, chunk, _ in postgres.lexical_chunks(query, limit=5)] == [wanted.pk]
    assert postgres.lexical_chunks("!!! ()", limit=5) == []
    assert postgres.lexical_chunks("de het een", limit=5) == []  # Dutch stop words only


@postgres_only
def test_more_matching_words_rank_higher():
    one = _chunk("De gemeenschap komt samen in het buurthuis.")
    two = _chunk("De gemeenschap plant bomen in de wijk met de gemeente.")
    found = postgres.lexical_chunks("gemeenschap bomen wijk", limit=10)
    assert [chunk for _, chunk, _ in found] == [two.pk, one.pk]
    assert found[0][2] > found[1][2]


@postgres_only
def test_dense_chunks_orders_by_cosine_similarity():
    rng = np.random.default_rng(7)
    query = _unit(rng.standard_normal(DIMENSIONS))
    chunks = []
    for n in range(12):
        # vectors at known, different angles to the query (not normalised: cosine ignores length)
        noise = _unit(rng.standard_normal(DIMENSIONS))
        vector = (1 - n / 12) * query + (n / 12) * noise
        chunks.append((_chunk(f"tekst {n}", vector * (n + 1)), _unit(vector)))
    expected = sorted(((float(vector @ query), chunk.pk) for chunk, vector in chunks), reverse=True)

    found = postgres.dense_chunks(query, limit=5)

    assert [chunk for _, chunk, _ in found] == [pk for _, pk in expected[:5]]
    for (_, _, similarity), (cosine, _) in zip(found, expected, strict=False):
        assert similarity == pytest.approx(cosine, abs=1e-5)
    assert found[0][0] == chunks[0][0].document_id
    assert postgres.dense_chunks(np.zeros(DIMENSIONS), limit=5) == []


def _sixty_chunks(rng) -> None:
    document = _document(1)
    SearchChunk.objects.bulk_create(
        SearchChunk(
            document=document,
            position=n,
            text=f"tekst {n}",
            embedding=to_bytes(_unit(rng.standard_normal(DIMENSIONS))),
        )
        for n in range(60)
    )


SETTINGS = (
    "SELECT current_setting('hnsw.ef_search', true), current_setting('hnsw.iterative_scan', true)"
)


@postgres_only
def test_dense_chunks_raises_ef_search_inside_its_own_statement():
    rng = np.random.default_rng(3)
    _sixty_chunks(rng)
    probe = _unit(rng.standard_normal(DIMENSIONS))
    with transaction.atomic():
        _fetch("SET LOCAL enable_seqscan = off")  # the table is tiny: make it use the index
        _fetch("SET LOCAL hnsw.iterative_scan = off")  # so only ef_search can give > 40 rows
        with connection.cursor() as cursor:
            cursor.execute(
                postgres.DENSE_SQL.replace("'strict_order'", "'off'"),
                ["1000", to_vector_text(probe), 60],
            )
            found = cursor.fetchall()
        # The setting is made before the scan reads it: pgvector's default candidate list (40)
        # would stop at 40 rows (ef_search 1000, more than the rows: earlier tests leave dead
        # rows in the graph, which a candidate list of 60 would spend itself on).
        assert len(found) > 40
        assert _fetch(SETTINGS) == [("1000", "off")]  # SET LOCAL: until the transaction ends
    with transaction.atomic():
        _fetch("SET LOCAL enable_seqscan = off")
        found = postgres.dense_chunks(probe, limit=60)
        assert _fetch(SETTINGS) == [("60", "strict_order")]  # pgvector 0.8 (.ci/postgres.sh)
    assert len(found) > 40
    assert [s for *_, s in found] == sorted((s for *_, s in found), reverse=True)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_dense_chunks_settings_end_with_the_statement_in_autocommit():
    rng = np.random.default_rng(5)
    _sixty_chunks(rng)
    [before] = _fetch(SETTINGS)
    assert connection.get_autocommit()
    found = postgres.dense_chunks(_unit(rng.standard_normal(DIMENSIONS)), limit=60)
    assert len(found) > 40
    assert _fetch(SETTINGS) == [before]


@postgres_only
def test_index_object_stores_vectors_the_sql_sees():
    instrument = InstrumentFactory(title="Buurtbatterij voor de energiegemeenschap")
    document = SearchDocument.objects.get(kind="instrument", object_id=instrument.pk)
    chunks = list(document.chunks.order_by("position"))
    assert chunks
    embedder = get_embedder()
    for chunk in chunks:
        expected = embedder.embed_passages([chunk.text])[0]
        [(dims, distance, norm)] = _fetch(
            "SELECT vector_dims(embedding), embedding <=> %s::vector, vector_norm(embedding)"
            " FROM search_searchchunk WHERE id = %s",
            [to_vector_text(expected), chunk.pk],
        )
        assert dims == DIMENSIONS
        assert distance == pytest.approx(0, abs=1e-6)
        assert norm == pytest.approx(1, abs=1e-5)
        assert chunk.embedding == to_bytes(expected)

    nearest = postgres.dense_chunks(embedder.embed_passages([chunks[0].text])[0], limit=1)
    assert nearest[0][:2] == (document.pk, chunks[0].pk)
    assert postgres.lexical_chunks("energiegemeenschappen", limit=5)[0][0] == document.pk


@postgres_only
def test_chunk_vectors_are_a_documents_own_in_order():
    first, second, empty = _document(1), _document(2), _document(3)
    a = _chunk("een", document=first, position=0)
    b = _chunk("twee", document=first, position=1)
    SearchChunk.objects.filter(pk=b.pk).update(is_linked=True)
    c = _chunk("drie", document=first, position=2)
    only_linked = _chunk("vier", document=second, position=0)
    SearchChunk.objects.filter(pk=only_linked.pk).update(is_linked=True)

    vectors = postgres.chunk_vectors([first.pk, second.pk, empty.pk])

    assert vectors == {
        first.pk: [a.embedding, c.embedding],
        second.pk: [only_linked.embedding],
        empty.pk: [],
    }
    assert all(isinstance(v, bytes) for v in vectors[first.pk])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_vectors_both_ways():
    vector = _unit(np.arange(1, DIMENSIONS + 1, dtype=np.float32))
    chunk = _chunk("heen en terug", vector)
    try:
        call_command("migrate", "search", "0001", verbosity=0)
        [(column_type, data)] = _fetch(
            "SELECT pg_typeof(embedding)::text, embedding FROM search_searchchunk WHERE id = %s",
            [chunk.pk],
        )
        assert column_type == "bytea"
        assert bytes(data) == to_bytes(vector)
        assert not _fetch("SELECT 1 FROM pg_indexes WHERE indexname LIKE 'search_chunk_%%'")
    finally:
        call_command("migrate", "search", verbosity=0)
    assert SearchChunk.objects.get(pk=chunk.pk).embedding == to_bytes(vector)
    test_the_column_is_a_384_dimensional_vector()
    test_the_hnsw_and_dutch_gin_indexes_exist()


@postgres_only
def test_query_counts(django_assert_num_queries):
    _chunk("De gemeenschap komt samen.")
    with django_assert_num_queries(1):
        postgres.lexical_chunks("gemeenschappen", limit=10)
    with django_assert_num_queries(1):  # the settings and the HNSW scan in one statement
        postgres.dense_chunks(get_embedder().embed_query("gemeenschap"), limit=10)
    with django_assert_num_queries(1):
        postgres.chunk_vectors([1, 2])
