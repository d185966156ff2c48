"""The chunk embedding column: a pgvector ``vector(384)`` on PostgreSQL, a BLOB elsewhere.

In Python the value is always what ``search.embedding.to_bytes`` makes (384 float32 values,
little-endian), whatever the database, so the rest of the code never sees the difference.
The field deconstructs the same on every database, so migrations do not depend on the vendor.
"""

from __future__ import annotations

import numpy as np
from django.db import models
from pgvector import Vector

from search.embedding import DIMENSIONS, from_bytes, to_bytes


def to_vector_text(value) -> str:
    """pgvector's text form ``[x1,x2,...]`` of bytes, an array or a list (exact for float32)."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = from_bytes(bytes(value))
    return Vector(np.asarray(value, dtype=np.float32).reshape(-1)).to_text()


def vector_to_bytes(value) -> bytes:
    """The bytes for what PostgreSQL returns: text ``[...]``, or an array once pgvector's
    psycopg adapters are registered on the connection."""
    if isinstance(value, str):
        return to_bytes(Vector.from_text(value).to_numpy())
    if isinstance(value, Vector):
        return to_bytes(value.to_numpy())
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return to_bytes(np.asarray(value, dtype=np.float32))


class EmbeddingField(models.BinaryField):
    """A fixed-size float32 vector stored as ``vector(dimensions)`` on PostgreSQL (so the HNSW
    index and the ``<=>`` operator work on it) and as a BLOB on SQLite; its value is bytes."""

    description = "Embedding vector (float32 bytes)"

    def __init__(self, *args, dimensions: int = DIMENSIONS, **kwargs):
        self.dimensions = dimensions
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.dimensions != DIMENSIONS:
            kwargs["dimensions"] = self.dimensions
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return f"vector({self.dimensions})"
        return super().db_type(connection)

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor == "postgresql":
            return "%s::vector"
        return super().get_placeholder(value, compiler, connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            if value is not None and not isinstance(value, bytes | bytearray | memoryview):
                value = to_bytes(np.asarray(value, dtype=np.float32))
            return super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return to_vector_text(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if connection.vendor == "postgresql":
            return vector_to_bytes(value)
        return bytes(value)
