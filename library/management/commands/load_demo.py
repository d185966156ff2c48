from __future__ import annotations

from django.core.management.base import BaseCommand

from library.cli import report_failure
from library.demo_activity import load_demo_activity
from library.services import DEMO_DIR, LibraryImportFailed, library_import


class Command(BaseCommand):
    help = (
        "Load the demo library that ships in library/demo/, and the demo activity of its "
        "communities (people, journal entries, experiences). Only missing records are "
        "created; existing ones are never changed, so running it again is harmless."
    )

    def handle(self, *args, **options):
        try:
            report = library_import(path=DEMO_DIR, only_new=True)
        except LibraryImportFailed as failure:
            raise report_failure(self, failure) from None
        for line in report.summary_lines():
            self.stdout.write(line)
        self.stdout.write(load_demo_activity().summary_line())
