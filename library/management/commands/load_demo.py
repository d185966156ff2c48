from __future__ import annotations

from django.core.management.base import BaseCommand

from library.cli import report_failure
from library.services import DEMO_DIR, LibraryImportFailed, library_import


class Command(BaseCommand):
    help = (
        "Load the demo library that ships in library/demo/. Only missing records are "
        "created; existing ones are never changed, so running it again is harmless."
    )

    def handle(self, *args, **options):
        try:
            report = library_import(path=DEMO_DIR, only_new=True)
        except LibraryImportFailed as failure:
            raise report_failure(self, failure) from None
        for line in report.summary_lines():
            self.stdout.write(line)
