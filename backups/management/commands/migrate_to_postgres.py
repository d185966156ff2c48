"""``manage.py migrate_to_postgres --from sqlite:///path/to/db.sqlite3``: move to PostgreSQL.

Copies every row of a SQLite database into the empty, migrated PostgreSQL database of
DATABASE_URL in one transaction (backups.services.migrate_to_postgres), then prints the row
count per model in both. Stop the web server and the worker first, so nothing writes to the
SQLite file while it is read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, migrate_to_postgres


class Command(BaseCommand):
    help = (
        "Copy everything from a SQLite database into the empty, migrated PostgreSQL database "
        "of DATABASE_URL (one transaction; row counts are checked per model)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            metavar="SQLITE_URL",
            help="The database to copy, e.g. sqlite:////srv/samenspel/var/db.sqlite3",
        )

    def handle(self, *args, source, **options):
        try:
            results = migrate_to_postgres(source_url=source, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(result.label) for result in results)
        self.stdout.write(f"\n{'model'.ljust(width)}  {'SQLite':>9}  {'PostgreSQL':>10}")
        for result in results:
            self.stdout.write(
                f"{result.label.ljust(width)}  {result.source_rows:>9}  {result.target_rows:>10}"
            )
        total = sum(result.target_rows for result in results)
        self.stdout.write(
            self.style.SUCCESS(
                f"Copied {total} rows of {len(results)} models; every count matches. Next: "
                "start the site on PostgreSQL (make serve-prod) and keep the SQLite file as "
                "a fallback until you are sure."
            )
        )
