from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library.exports import LibraryExportFailed, library_export

JSON, CSV = "json", "csv"


class Command(BaseCommand):
    help = (
        "Export the library into directory PATH (created if missing) as instruments.json, "
        "concepts.json and communities.json, which import_library reads back unchanged. "
        "With --format csv, also write instruments.csv (the CSV format of import_library)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The directory to write into.")
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=[JSON, CSV],
            default=JSON,
            help="csv: write instruments.csv as well as the JSON files.",
        )

    def handle(self, *args, path: Path, output_format: str, **options):
        try:
            written = library_export(directory=path, with_csv=output_format == CSV)
        except LibraryExportFailed as exc:
            raise CommandError(f"{exc}; nothing was written.") from None
        for file_path, count in written:
            self.stdout.write(f"{file_path}: {count} records")
