"""``manage.py backup [--output DIR_OR_FILE]``: one snapshot of the database and uploads."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_create, human_size


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database and MEDIA_ROOT to one "
        "samenspel-backup-YYYYmmdd-HHMMSS.tar.gz (default directory: var/backups/)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="DIR_OR_FILE",
            help="A directory for the snapshot, or the file name to write it to.",
        )

    def handle(self, *args, output=None, **options):
        try:
            result = backup_create(output=output, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path} ({human_size(result.archive_bytes)})."
            )
        )
