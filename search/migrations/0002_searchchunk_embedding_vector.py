"""SearchChunk.embedding becomes an EmbeddingField: pgvector's vector(384) on PostgreSQL.

On PostgreSQL this converts the column (bytea -> vector(384), keeping every stored vector),
adds a stored generated column ``search_vector`` (the chunk's Dutch text-search vector,
computed once on write instead of on every query; the Django model does not know it, so
inserts and updates never name it) and the two search indexes: HNSW over the embeddings
(cosine) and GIN over ``search_vector``. On SQLite the column stays a BLOB and nothing happens.
Reversible: backwards drops the indexes and the generated column and turns the vectors back
into float32 bytes.
"""

import numpy as np
from django.db import migrations

import search.fields

DIMENSIONS = 384
TABLE = "search_searchchunk"
HNSW_INDEX = "search_chunk_embedding_hnsw"
GIN_INDEX = "search_chunk_search_vector_gin"
SEARCH_VECTOR = "search_vector"
BATCH = 500


def _ensure_extension(cursor):
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
    if cursor.fetchone():
        return
    try:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except Exception as exc:  # noqa: BLE001 - re-raised with the fix
        raise RuntimeError(
            "The PostgreSQL extension 'vector' (pgvector) is missing and this database user "
            "may not create it. As a superuser, run: CREATE EXTENSION vector; "
            "in this database, then migrate again."
        ) from exc


def _copy_column(cursor, source, target, convert, cast):
    """Fill ``target`` from ``source`` row by row through ``convert`` (None: drop the row)."""
    cursor.execute(f"SELECT id, {source} FROM {TABLE} ORDER BY id")
    rows = cursor.fetchall()
    drop = []
    updates = []
    for pk, value in rows:
        converted = convert(value) if value is not None else None
        if converted is None:
            drop.append(pk)
        else:
            updates.append((converted, pk))
    if drop:
        # A vector of the wrong size cannot be kept; the index is derived data, and
        # `manage.py rebuild_search_index` recreates those chunks.
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [drop])
    for start in range(0, len(updates), BATCH):
        cursor.executemany(
            f"UPDATE {TABLE} SET {target} = %s::{cast} WHERE id = %s",
            updates[start : start + BATCH],
        )


def _bytes_to_text(value):
    data = bytes(value)
    if len(data) != 4 * DIMENSIONS:
        return None
    return search.fields.to_vector_text(np.frombuffer(data, dtype="<f4"))


def _text_to_bytes(value):
    return search.fields.vector_to_bytes(value)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _ensure_extension(cursor)
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN embedding_vector vector({DIMENSIONS})")
        _copy_column(cursor, "embedding", "embedding_vector", _bytes_to_text, "vector")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN embedding")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME COLUMN embedding_vector TO embedding")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN embedding SET NOT NULL")
        cursor.execute(
            f"CREATE INDEX {HNSW_INDEX} ON {TABLE} USING hnsw (embedding vector_cosine_ops)"
        )
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN {SEARCH_VECTOR} tsvector"
            " GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, text)) STORED"
        )
        cursor.execute(f"CREATE INDEX {GIN_INDEX} ON {TABLE} USING gin ({SEARCH_VECTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {HNSW_INDEX}")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {SEARCH_VECTOR}")
        cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN embedding_bytes bytea")
        _copy_column(cursor, "embedding::text", "embedding_bytes", _text_to_bytes, "bytea")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN embedding")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME COLUMN embedding_bytes TO embedding")
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN embedding SET NOT NULL")
        # The extension stays: other databases' objects may use it, and dropping it needs a superuser.


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchchunk",
                    name="embedding",
                    field=search.fields.EmbeddingField(
                        help_text="float32 vector, little-endian bytes."
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(forwards, backwards, elidable=False),
            ],
        ),
    ]
