"""A test helper for pages that embed recommendations: count the page's own queries.

The recommendation selectors' statements differ per database (in process on SQLite,
retrieval SQL on PostgreSQL) and are pinned in search/tests; a page's pinned count leaves
them out by wrapping the function the view calls."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueriesInside:
    """Wraps ``module.name`` (via ``monkeypatch``) and counts the queries run inside it."""

    def __init__(self, monkeypatch, module, name: str) -> None:
        self.count = 0
        self.calls = 0
        real = getattr(module, name)

        def counted(*args, **kwargs):
            self.calls += 1
            with CaptureQueriesContext(connection) as queries:
                found = real(*args, **kwargs)
            self.count += len(queries)
            return found

        monkeypatch.setattr(module, name, counted)

    def outside(self, measure) -> int:
        """``measure()`` (a query count) minus the queries run inside the wrapped function."""
        self.count = self.calls = 0
        return measure() - self.count
