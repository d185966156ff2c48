from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from library import csvformat
from library.cli import HelpFormatter, report_failure
from library.services import LibraryImportFailed, library_import

HELP = """Import the library: instruments, concepts and communities.

PATH is a directory holding any of instruments.json, concepts.json and communities.json,
a single .json file (whose name contains "instrument", "concept" or "communit", or
whose records' keys tell), or a .csv file of instruments.

Records are matched by id: a new id is created, a changed record is updated and an
unchanged one is left alone. Every record is checked first; if anything is wrong,
every problem is listed and nothing is written.

The CSV format:
"""


class Command(BaseCommand):
    help = HELP + "\n".join(line for line in csvformat.__doc__.splitlines()[2:])

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter)

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A directory, a .json or a .csv file.")

    def handle(self, *args, path: Path, **options):
        try:
            report = library_import(path=path)
        except LibraryImportFailed as failure:
            raise report_failure(self, failure) from None
        for line in report.summary_lines():
            self.stdout.write(line)
