from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from jobs.queue import enqueue
from search.services import rebuild_index


def _bar(stream, started: float):
    def progress(done: int, total: int) -> None:
        width = 30
        fraction = done / total if total else 1.0
        filled = int(width * fraction)
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:6.1%} "
            f"{done}/{total} items  {rate:5.1f}/s",
            ending="\n" if done >= total else "",
        )
        stream.flush()

    return progress


class Command(BaseCommand):
    help = (
        "Rebuild the whole search index (documents, chunks, embeddings) from the content, "
        "with a progress bar on stderr; reports items per second at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the rebuild for the background worker and return at once.",
        )

    def handle(self, *args, **options):
        if options["background"]:
            enqueue("search.tasks.rebuild_index", group="search")
            if settings.TASKS_INLINE:
                self.stdout.write("TASKS_INLINE is set, so the index was rebuilt now.")
            else:
                self.stdout.write(
                    "Queued the rebuild of the search index: a worker (manage.py qcluster) "
                    "runs it; staff follow it on /taken/."
                )
            return
        progress = None if options["no_progress"] else _bar(self.stderr, time.perf_counter())
        report = rebuild_index(progress=progress)
        self.stdout.write(
            f"Indexed {report.documents} items ({report.chunks} chunks) in "
            f"{report.seconds:.1f} s: {report.per_second:.1f} items/s."
        )
