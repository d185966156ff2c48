from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Max

from search import snapshot
from search.models import SearchChunk
from search.retrieval import use_postgres
from search.tasks import write_index_snapshot


class Command(BaseCommand):
    help = (
        "Write the shared snapshot of the in-process search index (search.snapshot) when the "
        "library is large enough and the current snapshot is missing or more than "
        "SEARCH_INDEX_DELTA_MAX_CHUNKS chunks behind. Run before starting the web servers, so "
        "that no worker builds the index itself in a request."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Write one in any case.")

    def handle(self, *args, force: bool = False, **options):
        if use_postgres():
            self.stdout.write("PostgreSQL searches in the database: no snapshot needed.")
            return
        chunks = SearchChunk.objects.count()
        if snapshot.folder() is None:
            self.stdout.write("SEARCH_INDEX_SNAPSHOT_DIR is empty: snapshots are off.")
            return
        if not force and not snapshot.enabled_for(chunks):
            self.stdout.write(
                f"{chunks} chunks: below SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS "
                f"({snapshot.min_chunks()}), each process builds its own index quickly."
            )
            return
        newest = SearchChunk.objects.aggregate(newest=Max("pk"))["newest"] or 0
        record = snapshot.current()
        behind = settings.SEARCH_INDEX_DELTA_MAX_CHUNKS
        if not force and record is not None and record["max_chunk_id"] >= newest - behind:
            self.stdout.write(f"Snapshot {record['name']} is recent enough: nothing to do.")
            return
        started = time.perf_counter()
        self.stdout.write(f"Building the search index of {chunks} chunks...")
        outcome = write_index_snapshot(after_chunk_id=newest)
        self.stdout.write(f"{outcome} in {time.perf_counter() - started:.1f} s.")
