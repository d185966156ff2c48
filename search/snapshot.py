"""The main in-process search index on disk, shared by every process of one installation.

Building the main index of a large library is slow: at 100,000 items (265,000 chunks) about
60 s of one core, mostly analysing chunk texts and building BM25 (bench/load.py). Every
gunicorn worker did that on its first search, after every restart (``max_requests``) and for
every rebuild; at 100k a cold worker could not answer within gunicorn's timeout, was killed
and came back cold. So the main index is built once, by one process (the background worker,
or the first process that needs it), and written here; every other process reads it in a
second or two and takes the writes since its build as a delta (``ranking._refresh``).

Layout, under ``SEARCH_INDEX_SNAPSHOT_DIR``, one folder per database (a restored or another
database never reads a snapshot of this one; ``load`` also checks a sample of chunk ids):

    <database key>/CURRENT          {"name": ..., "max_chunk_id": ...}, replaced atomically
    <database key>/<name>/index.pickle   the LoadedIndex without matrix and ANN
    <database key>/<name>/matrix.npy     the chunk embeddings, mapped read-only (shared pages)
    <database key>/<name>/ann.faiss      the approximate index, when there is one

Only a main build is written (no delta, nothing removed). Large corpora only
(``SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS``): below that a build takes a few seconds anyway.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import pickle
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from search.models import SearchChunk

logger = logging.getLogger(__name__)

# Chunk ids checked against the database before a snapshot is used.
SAMPLE_SIZE = 64
# Snapshot folders kept besides the current one (a process may still be reading one).
KEEP_PREVIOUS = 1


def min_chunks() -> int:
    return int(getattr(settings, "SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS", 20_000))


def enabled_for(chunks: int) -> bool:
    """Snapshots are used for a main index of at least ``min_chunks()`` chunks."""
    return folder() is not None and chunks >= min_chunks()


def folder() -> Path | None:
    """This database's snapshot folder, or None when snapshots are switched off."""
    root = getattr(settings, "SEARCH_INDEX_SNAPSHOT_DIR", None)
    if not root:
        return None
    db = connection.settings_dict
    identity = "|".join(str(db.get(key) or "") for key in ("ENGINE", "NAME", "HOST", "PORT"))
    return Path(root) / hashlib.sha256(identity.encode()).hexdigest()[:16]


def current() -> dict | None:
    """The CURRENT record ({"name", "max_chunk_id"}), or None. A small file read: cheap
    enough for every index version change."""
    base = folder()
    if base is None:
        return None
    try:
        return json.loads((base / "CURRENT").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextmanager
def build_lock():
    """One builder at a time across processes; the others wait and then read its result."""
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(index) -> str:
    """Write a main build (``index.delta is None``) and make it CURRENT; returns its name."""
    if index.delta is not None or index.removed:
        raise ValueError("only a main build is written as a snapshot")
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    name = f"{stamp}-{index.max_chunk_id}-{secrets.token_hex(4)}"
    target = base / name
    partial = base / f".{name}.partial"
    partial.mkdir()
    np.save(partial / "matrix.npy", np.ascontiguousarray(index.matrix), allow_pickle=False)
    if index.ann is not None:
        import faiss

        faiss.write_index(index.ann, str(partial / "ann.faiss"))
    rest = replace(index, matrix=None, ann=None, version=(-1, ""))
    with open(partial / "index.pickle", "wb") as handle:
        pickle.dump(rest, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.rename(target)
    record = {"name": name, "max_chunk_id": int(index.max_chunk_id)}
    (base / "CURRENT.partial").write_text(json.dumps(record), encoding="utf-8")
    (base / "CURRENT.partial").replace(base / "CURRENT")
    _prune(base, keep=name)
    return name


def load(record: dict | None = None):
    """The CURRENT snapshot as a LoadedIndex at version (-1, "") (so that the caller
    refreshes it), or None when there is none or it does not belong to this database."""
    record = record or current()
    if record is None:
        return None
    where = folder() / record["name"]
    try:
        with open(where / "index.pickle", "rb") as handle:
            index = pickle.load(handle)  # noqa: S301 - our own file, written by ``save``
        matrix = np.load(where / "matrix.npy", mmap_mode="r", allow_pickle=False)
        ann = None
        if (where / "ann.faiss").exists():
            import faiss

            ann = faiss.read_index(str(where / "ann.faiss"))
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        logger.warning("search index snapshot %s could not be read", where, exc_info=True)
        return None
    index = replace(index, matrix=matrix, ann=ann, version=(-1, ""), snapshot=record["name"])
    if not _matches_database(index):
        logger.warning("search index snapshot %s is not of this database: ignored", where)
        return None
    return index


def _matches_database(index) -> bool:
    """A sample of the snapshot's chunks still belongs to the same documents (or is gone,
    which a refresh handles); a different chunk under the same id means another database."""
    if not len(index.chunk_id):
        return True
    rows = np.random.default_rng().choice(
        len(index.chunk_id), min(SAMPLE_SIZE, len(index.chunk_id)), replace=False
    )
    expected = {int(index.chunk_id[row]): int(index.doc_pk[index.chunk_doc[row]]) for row in rows}
    stored = dict(SearchChunk.objects.filter(pk__in=expected).values_list("pk", "document_id"))
    return all(expected[pk] == document for pk, document in stored.items())


def discard() -> None:
    """Remove this database's snapshots (after a restore replaced the database under them)."""
    base = folder()
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


def _prune(base: Path, *, keep: str) -> None:
    """Remove older snapshot folders, keeping the newest ``KEEP_PREVIOUS`` besides ``keep``
    (a process mapping a removed matrix keeps reading it: the file lives until unmapped)."""
    folders = sorted(
        (p for p in base.iterdir() if p.is_dir() and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)
