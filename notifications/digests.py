"""Mailing the digest: for everyone who follows something, what is new in it.

One function, ``run_digests``, used by the weekly scheduled task
(``notifications.tasks.send_digests``) and by ``manage.py send_digest`` (which adds
``--dry-run`` and progress lines).

The period is simply the last ``days`` days, counted back from now: run weekly, each run
covers the week since the last one. No "last sent" date is stored, so a missed run is not
caught up and running twice in a week sends the same items twice. Only what the recipient
may see is included (see ``notifications.selectors.digest_for``); people with nothing new
get no mail. Mails are rendered from ``notifications/digest.txt`` and ``digest.html`` in
the site's language (``settings.LANGUAGE_CODE``), because we store no language per person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.selectors import Digest, digest_for, digest_recipients

logger = logging.getLogger(__name__)


@dataclass
class DigestRun:
    """What a run did (or, dry, would do)."""

    days: int
    dry_run: bool
    mailed: int = 0
    items: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def summary(self) -> str:
        verb = "would be mailed" if self.dry_run else "mailed"
        return (
            f"Digest of the last {self.days} days: {verb}: {self.mailed} (with {self.items} "
            f"items), nothing new: {self.skipped}"
            + (f", failed: {self.failed}" if self.failed else "")
            + "."
        )


def _ignore(line: str) -> None:
    """The scheduled task reports only through its result and the log."""


def run_digests(
    *,
    days: int = 7,
    dry_run: bool = False,
    progress_every: int = 100,
    write: Callable[[str], None] = _ignore,
    write_error: Callable[[str], None] = _ignore,
) -> DigestRun:
    """Mail each follower with something new in the last ``days`` days their digest.

    One address that cannot be mailed does not stop the run: it is counted as failed,
    written to ``write_error`` and logged. ``write`` gets a progress line every
    ``progress_every`` people and, in a dry run, who would get what.
    """
    if days < 1:
        raise ValueError("days must be at least 1.")
    progress_every = max(progress_every, 1)
    since = timezone.now() - timedelta(days=days)
    people = digest_recipients()
    total = people.count()
    run = DigestRun(days=days, dry_run=dry_run)
    connection = None if dry_run else get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for n, user in enumerate(people.iterator(), start=1):
            digest = digest_for(user, since=since)
            if not digest.item_count:
                run.skipped += 1
            elif dry_run:
                run.mailed += 1
                run.items += digest.item_count
                write(f"  would mail {user.email}: {digest.item_count} item(s)")
            else:
                try:
                    digest_message(digest, days=days, connection=connection).send()
                except Exception as error:  # one bad address must not stop the run
                    run.failed += 1
                    logger.warning("Could not mail the digest to user %s: %s", user.pk, error)
                    write_error(f"  could not mail {user.email}: {error}")
                else:
                    run.mailed += 1
                    run.items += digest.item_count
            if n % progress_every == 0 or n == total:
                write(f"{n}/{total} people checked, {run.mailed} mailed")
    return run


def digest_message(digest: Digest, *, days: int, connection) -> EmailMultiAlternatives:
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
