"""``manage.py restore FILE [--yes]``: bring back a snapshot made by ``manage.py backup``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, backup_check, backup_restore

ERROR_NOT_A_TTY = "Refusing to restore without --yes when nobody can answer the question."


class Command(BaseCommand):
    help = (
        "Replace the database and MEDIA_ROOT with a snapshot from `manage.py backup`. The "
        "archive is verified first; stop the site (web and workers) while this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The samenspel-backup-*.tar.gz to restore.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args, file, yes=False, **options):
        if not yes and not sys.stdin.isatty():
            raise CommandError(ERROR_NOT_A_TTY)
        try:
            checked = backup_check(archive=file, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        try:
            if not yes:
                answer = input(
                    "This replaces ALL data and uploaded files with the snapshot. Type 'yes' "
                    "to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            backup_restore(checked=checked, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            checked.cleanup()
        if checked.unapplied:
            self.stdout.write(
                self.style.WARNING(
                    f"The snapshot predates {len(checked.unapplied)} migrations of this code; "
                    "run `manage.py migrate` now."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Restored {checked.archive.name}."))
