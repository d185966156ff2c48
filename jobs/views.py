"""The staff page of background work (/taken/): the queue, recent results, and the failed
tasks with their error, which staff can try again or delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_q.models import Failure

from jobs import selectors, services


@require_GET
@login_required
def task_list(request):
    selectors.check_jobs_permission(request.user)
    context = {
        "queue": selectors.queue_counts(),
        "recent": selectors.recent_counts(),
        "failures": selectors.recent_failures(),
        "failure_limit": selectors.FAILURE_LIMIT,
        "uses_database_queue": selectors.uses_database_queue(),
        "max_attempts": selectors.max_attempts(),
    }
    return render(request, "jobs/task_list.html", context)


def _act(request, action, done_message: str):
    selectors.check_jobs_permission(request.user)
    task_id = request.POST.get("task_id", "")
    try:
        action(request.user, task_id)
    except Failure.DoesNotExist as missing:
        raise Http404(_("This failed task is no longer there.")) from missing
    messages.success(request, done_message)
    return redirect("jobs:list")


@require_POST
@login_required
def failure_retry(request):
    return _act(
        request, services.failure_retry, _("The task was queued again. A worker runs it soon.")
    )


@require_POST
@login_required
def failure_delete(request):
    return _act(request, services.failure_delete, _("The failed task was deleted."))
