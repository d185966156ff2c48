"""Staff actions on failed background tasks: try one again, or delete it. Both are recorded
in the audit log, in the same transaction as the change.

A failure still waiting for an automatic attempt (database queue, fewer than
``max_attempts`` runs) has its queued package removed too: "Try again" then runs the task
once, now, rather than twice; "Delete" means the task is given up, not silently re-run.
"""

from __future__ import annotations

from django.db import transaction
from django_q.models import Failure
from django_q.tasks import async_task

from audit.services import record_event
from jobs import selectors


def _take_failure(user, task_id: str) -> Failure:
    """The failure, locked for this transaction, with its waiting package dropped.
    ``Failure.DoesNotExist`` when it is gone (handled twice, or succeeded since)."""
    selectors.check_jobs_permission(user)
    failure = Failure.objects.select_for_update().get(pk=task_id)
    for package in selectors.pending_packages(task_id):
        package.delete()
    return failure


@transaction.atomic
def failure_retry(user, task_id: str) -> None:
    """Queue the failed task again with the same function, arguments and group, as a new
    task with fresh attempts, and delete the failure (the audit event keeps what it was)."""
    failure = _take_failure(user, task_id)
    func, args, kwargs = failure.func, tuple(failure.args or ()), dict(failure.kwargs or {})
    group = failure.group
    record_event(
        actor=user,
        action="task.retried",
        target=failure,
        summary=f"{func} ({failure.attempt_count}x)",
        before={"error": selectors.error_line(failure.result)},
    )
    failure.delete()
    transaction.on_commit(lambda: async_task(func, *args, q_options={"group": group}, **kwargs))


@transaction.atomic
def failure_delete(user, task_id: str) -> None:
    """Give the failed task up: delete it, and its package if it was to be tried again."""
    failure = _take_failure(user, task_id)
    record_event(
        actor=user,
        action="task.deleted",
        target=failure,
        summary=f"{failure.func} ({failure.attempt_count}x)",
        before={"error": selectors.error_line(failure.result)},
    )
    failure.delete()
