"""Mail everyone who follows something a digest of what is new in what they follow.

The period is simply the last ``--days`` days (7 by default), counted back from now: run
it weekly (cron, a systemd timer) and each run covers the week since the last one. No
"last sent" date is stored, so a missed run is not caught up and running twice in a week
sends the same items twice. Only what the recipient may see is included (see
``notifications.selectors.digest_for``); people with nothing new get no mail. Mails are
rendered from ``notifications/digest.txt`` and ``digest.html`` in the site's language
(``settings.LANGUAGE_CODE``), because we store no language per person yet.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.selectors import digest_for, digest_recipients


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
        progress_every = max(progress_every, 1)
        since = timezone.now() - timedelta(days=days)
        people = digest_recipients()
        total = people.count()
        mailed = items = skipped = failed = 0
        connection = None if dry_run else get_connection()
        with translation.override(settings.LANGUAGE_CODE):
            for n, user in enumerate(people.iterator(), start=1):
                digest = digest_for(user, since=since)
                if not digest.item_count:
                    skipped += 1
                elif dry_run:
                    mailed += 1
                    items += digest.item_count
                    self.stdout.write(f"  would mail {user.email}: {digest.item_count} item(s)")
                else:
                    try:
                        self._message(digest, days=days, connection=connection).send()
                    except Exception as error:  # one bad address must not stop the run
                        failed += 1
                        self.stderr.write(f"  could not mail {user.email}: {error}")
                    else:
                        mailed += 1
                        items += digest.item_count
                if n % progress_every == 0 or n == total:
                    self.stdout.write(f"{n}/{total} people checked, {mailed} mailed")
        verb = "would be mailed" if dry_run else "mailed"
        summary = (
            f"Digest of the last {days} days: {verb}: {mailed} (with {items} items), "
            f"nothing new: {skipped}" + (f", failed: {failed}" if failed else "") + "."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not failed else summary)

    def _message(self, digest, *, days: int, connection) -> EmailMultiAlternatives:
        context = {
            "digest": digest,
            "days": days,
            "site_url": settings.SITE_URL,
            "manage_url": settings.SITE_URL + reverse("notifications:list"),
            "language": translation.get_language(),
        }
        subject = _("What is new in what you follow on Samenspel")
        return EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            body=render_to_string("notifications/digest.txt", context),
            to=[digest.user.email],
            connection=connection,
            alternatives=[(render_to_string("notifications/digest.html", context), "text/html")],
        )
