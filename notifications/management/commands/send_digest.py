"""Mail everyone who follows something a digest of what is new in what they follow.

The weekly schedule (``notifications.tasks.send_digests``) does this on its own; this
command is for running it by hand, or seeing who would get what (``--dry-run``). Both use
``notifications.digests.run_digests``, which explains the period and who gets mail.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from notifications.digests import run_digests


class Command(BaseCommand):
    help = "Mail each person who follows something a digest of what is new in the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="The period, in days (7).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report who would get what; send nothing."
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=100,
            help="Print a progress line after every N people (100).",
        )

    def handle(self, *args, days: int, dry_run: bool, progress_every: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        run = run_digests(
            days=days,
            dry_run=dry_run,
            progress_every=progress_every,
            write=self.stdout.write,
            write_error=self.stderr.write,
        )
        self.stdout.write(self.style.SUCCESS(run.summary) if not run.failed else run.summary)
