from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from library.cli import report_failure
from library.demo_activity import load_demo_activity
from library.services import DEMO_DIR, LibraryImportFailed, library_import
from scans.demo import load_demo_scans
from search.models import SearchDocument
from search.services import indexing_paused


class Command(BaseCommand):
    help = (
        "Load the demo library that ships in library/demo/, and the demo activity of its "
        "communities (people, journal entries, experiences). Only missing records are "
        "created; existing ones are never changed, so running it again is harmless. "
        "The search index is rebuilt once at the end when anything was added."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-index",
            action="store_true",
            help="Do not rebuild the search index (the caller rebuilds it, e.g. a benchmark).",
        )

    def handle(self, *args, **options):
        # Indexing every save one by one would embed the library several times over;
        # one rebuild at the end embeds each text once (with a progress bar).
        with indexing_paused():
            try:
                report = library_import(path=DEMO_DIR, only_new=True)
            except LibraryImportFailed as failure:
                raise report_failure(self, failure) from None
            activity = load_demo_activity()
            scans_added, rounds_added = load_demo_scans()
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(activity.summary_line())
        self.stdout.write(f"demo scans: {scans_added} scans, {rounds_added} rounds added")
        added = report.created_count + activity.people + activity.journal_entries
        added += activity.experiences
        if options["skip_index"]:
            return
        if added or not SearchDocument.objects.exists():
            call_command("rebuild_search_index", stdout=self.stdout, stderr=self.stderr)
