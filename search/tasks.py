"""Background work of the search index, queued by ``search.signals`` and the rebuild command
through ``jobs.queue.enqueue``.

Each task takes plain ids and loads the rows itself when it runs, so it indexes the content
as committed then, not as it was when the task was queued: a task that runs late, twice or
after a later edit still leaves the index right. A row deleted in the meantime is skipped
(its removal from the index already happened inline, see ``search.signals``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps

from search import services


def index_item(model_label: str, pk: int, instrument_ids: Iterable[int] = ()) -> None:
    """(Re)index one item, ``model_label`` as in ``"instruments.instrument"``, and with it
    the instruments whose documents quote it (``instrument_ids``): one write and one index
    version bump for a post, where two tasks made every web worker notice two changes.

    The item is read through ``all_objects`` when the model has it, so that an item hidden
    since it was queued is found and taken *out* of the index (``index_object`` removes
    what is not visible) instead of being silently left in it."""
    from instruments.models import Instrument

    model = apps.get_model(model_label)
    manager = getattr(model, "all_objects", model._default_manager)
    obj = manager.filter(pk=pk).first()
    objects = [obj] if obj is not None else []
    if instrument_ids:
        objects += [
            instrument
            for instrument in Instrument.objects.filter(pk__in=set(instrument_ids))
            if not (model is Instrument and instrument.pk == pk)
        ]
    if objects:
        services.index_objects(objects)


def refresh_instruments(ids: Iterable[int]) -> None:
    """Re-index these instruments, whose documents take words from linked public content."""
    services.index_instruments(ids)


def rebuild_index() -> dict:
    """Rebuild the whole index; the figures become the task's stored result."""
    report = services.rebuild_index()
    return {
        "documents": report.documents,
        "chunks": report.chunks,
        "seconds": round(report.seconds, 1),
    }


def write_index_snapshot(after_chunk_id: int = 0) -> str:
    """Build the main in-process index once and share it with every process
    (``search.snapshot``), unless a snapshot with chunks past ``after_chunk_id`` (the
    largest chunk id the requesting process knew) was written meanwhile."""
    from django.core.cache import cache

    from search import ranking, snapshot

    try:
        with snapshot.build_lock():
            record = snapshot.current()
            if record is not None and record["max_chunk_id"] > after_chunk_id:
                return f"snapshot {record['name']} is newer: nothing to do"
            name = snapshot.save(ranking.build_main())
        # A new version makes every process look for the snapshot now, not at the next
        # write: after a bulk change its new rows are searchable only through it.
        services.bump_index_version()
        return f"snapshot {name} written"
    finally:
        cache.delete(ranking.REBUILD_FLAG)
