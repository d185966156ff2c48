"""Routine database upkeep that runs as scheduled background work.

``refresh_planner_statistics``: SQLite's query planner has no statistics until ``ANALYZE``
runs, and Django never runs it. Without them SQLite guesses, and at 100,000 items it chose
the ``moderation_state`` index (every row "visible") over ``instrument_id`` for an
instrument's experiences: 80-200 ms a query instead of a few (bench/README.md). ANALYZE
with ``analysis_limit`` samples each index, so it stays cheap as the library grows (67 ms
at 100,000 items). PostgreSQL's autovacuum keeps its own statistics, but a bulk load (a
move from SQLite, an import) can leave them stale until it comes by, so ANALYZE runs there
too. It runs after every ``migrate`` and daily (schedule in jobs/migrations).
"""

from __future__ import annotations

from django.db import connections

SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(using: str = "default") -> str:
    """Refresh the query planner's statistics of the database ``using``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return f"planner statistics refreshed ({connection.vendor})"


def refresh_after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate`` receiver: new tables and indexes get statistics at once."""
    refresh_planner_statistics(using)
