"""The one door to background work. Apps never import django-q2 themselves.

``enqueue("search.tasks.index_item", "instrument", 12, group="search")`` names the task by
its dotted path and passes only plain values (ids, not model instances): the worker loads
what it needs, so a task sees the data as committed, not as it was in the request.

- ``TASKS_INLINE`` (the test suite, or a setup without a worker): the task runs at once in
  this process and its errors propagate.
- Otherwise the task goes to django-q2's queue (the database by default, Redis when
  ``TASK_BROKER=redis``) after the current transaction commits, so the worker never looks
  for a row that is not there yet and a rolled-back save queues nothing. The request that
  saved the content returns without waiting for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def enqueue(func: str, *args, group: str, **kwargs) -> None:
    """Run ``func(*args, **kwargs)`` in the background (or now, with ``TASKS_INLINE``)."""
    if settings.TASKS_INLINE:
        import_string(func)(*args, **kwargs)
        return
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(func, *args, group=group, **kwargs))
