"""A stand-in for the worker in tests: the real ``jobs.queue.enqueue`` (after the commit),
with what it hands to django-q2 held here until the test says ``run``.

Tests of the queue itself (retries, failures) use ``jobs/tests/worker.py``, which runs the
real broker and django-q2's own worker; this one is for tests of what a task does and when.
"""

from __future__ import annotations

from django.utils.module_loading import import_string


class HeldQueue:
    def __init__(self, capture_on_commit_callbacks) -> None:
        self.items: list[tuple[str, tuple, str, dict]] = []
        self._capture = capture_on_commit_callbacks

    def accept(self, func: str, *args, group: str, **kwargs) -> None:
        """Takes the place of ``django_q.tasks.async_task``."""
        self.items.append((func, args, group, kwargs))

    def commit(self, callable_):
        """Runs ``callable_`` as a request would: its on-commit callbacks (the enqueues) run."""
        with self._capture(execute=True):
            return callable_()

    def of_group(self, group: str) -> list[tuple[str, tuple, str, dict]]:
        return [item for item in self.items if item[2] == group]

    def run(self, *groups: str) -> None:
        """Runs the held tasks of ``groups`` in order, and those they queue in turn; tasks of
        other groups (search indexing, say) are dropped, not run."""
        while self.items:
            func, args, group, kwargs = self.items.pop(0)
            if group in groups:
                self.commit(
                    lambda func=func, args=args, kwargs=kwargs: import_string(func)(*args, **kwargs)
                )
