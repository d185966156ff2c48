"""Reads of background work for the staff page /taken/: what is waiting, what failed.

django-q2 keeps three things: the queue (``OrmQ`` rows in the database broker, a Redis list
with ``TASK_BROKER=redis``), and one ``Task`` row per finished task (``success`` false for a
failure, ``attempt_count`` how often it ran). A failed task stays in the database queue,
locked until ``Q_CLUSTER["retry"]`` seconds have passed, and is tried again until it has
run ``max_attempts`` times; the Redis broker never re-delivers.

The page makes a fixed number of queries whatever the number of tasks: one for the queue
counts (none with Redis, which is asked for its list length), one for the recent counts and
one for the latest failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_q.conf import Conf
from django_q.models import Failure, OrmQ, Task

MESSAGE_STAFF_ONLY = gettext_noop("Only staff can see and manage background work.")

# The page lists this many failures, newest first (older ones stay in the database).
FAILURE_LIMIT = 50

# "Recent" successes and failures: this many hours back.
RECENT_HOURS = 24


def check_jobs_permission(user) -> None:
    """Only active staff see background work (the view sends anonymous visitors to sign
    in first): failures show task arguments and tracebacks."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_(MESSAGE_STAFF_ONLY))


def uses_database_queue() -> bool:
    return settings.TASK_BROKER != "redis"


def max_attempts() -> int:
    return int(settings.Q_CLUSTER.get("max_attempts", 0))


@dataclass(frozen=True)
class QueueCounts:
    """``waiting``: ready for a worker. ``held``: taken by a worker, or failed and waiting
    for its next attempt (the database queue only; ``None`` with Redis)."""

    waiting: int
    held: int | None


def queue_counts() -> QueueCounts:
    if not uses_database_queue():
        from django_q.brokers import get_broker

        return QueueCounts(waiting=get_broker().queue_size() or 0, held=None)
    now = timezone.now()
    counts = OrmQ.objects.filter(key=Conf.CLUSTER_NAME).aggregate(
        waiting=Count("pk", filter=Q(lock__lte=now) | Q(lock__isnull=True)),
        held=Count("pk", filter=Q(lock__gt=now)),
    )
    return QueueCounts(waiting=counts["waiting"], held=counts["held"])


@dataclass(frozen=True)
class RecentCounts:
    successes: int
    failures: int
    hours: int


def recent_counts(hours: int = RECENT_HOURS) -> RecentCounts:
    """Tasks that finished in the last ``hours``, in one query. Successes are kept up to
    ``Q_CLUSTER["save_limit"]``, so a busy site counts at most that many."""
    since = timezone.now() - timedelta(hours=hours)
    counts = Task.objects.filter(stopped__gte=since).aggregate(
        successes=Count("pk", filter=Q(success=True)),
        failures=Count("pk", filter=Q(success=False)),
    )
    return RecentCounts(successes=counts["successes"], failures=counts["failures"], hours=hours)


def error_line(result) -> str:
    """The last line of a failure's stored result (django-q2 stores "message : traceback"),
    which names the exception and its message."""
    lines = [line.strip() for line in str(result or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


@dataclass(frozen=True)
class FailureRow:
    task: Failure
    error: str
    traceback: str
    attempts: int
    max_attempts: int

    @property
    def will_be_retried(self) -> bool:
        """The database queue still holds it for another attempt."""
        return uses_database_queue() and self.attempts < self.max_attempts


def recent_failures(limit: int = FAILURE_LIMIT) -> list[FailureRow]:
    most = max_attempts()
    failures = Failure.objects.order_by("-stopped")[:limit]
    return [
        FailureRow(
            task=failure,
            error=error_line(failure.result),
            traceback=str(failure.result or ""),
            attempts=failure.attempt_count,
            max_attempts=most,
        )
        for failure in failures
    ]


def pending_packages(task_id: str) -> list[OrmQ]:
    """The database queue's packages of the task ``task_id`` that a worker took: those
    waiting for their next attempt after a failure, or running now. Only these can carry an
    id that already failed; the rest of the queue (possibly long) is not read."""
    if not uses_database_queue():
        return []
    held = OrmQ.objects.filter(key=Conf.CLUSTER_NAME, lock__gt=timezone.now())
    return [package for package in held if package.task_id() == task_id]
