"""Planner statistics: refreshed by the scheduled task and after every migrate."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_q.models import Schedule

from instruments.tests.factories import InstrumentFactory
from jobs.maintenance import refresh_planner_statistics

pytestmark = pytest.mark.django_db


def _sqlite_statistics() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="sqlite_stat1 is SQLite's table")
def test_the_task_gives_sqlite_statistics_of_the_content_tables():
    InstrumentFactory.create_batch(3)

    result = refresh_planner_statistics()

    assert result == "planner statistics refreshed (sqlite)"
    assert "instruments_instrument" in _sqlite_statistics()


def test_the_task_runs_on_either_database():
    assert refresh_planner_statistics().endswith(f"({connection.vendor})")


def test_migrate_refreshes_them(monkeypatch):
    calls = []
    monkeypatch.setattr("jobs.maintenance.refresh_planner_statistics", calls.append)

    call_command("migrate", "jobs", verbosity=0)

    assert calls == ["default"]


def test_it_is_scheduled_daily_once():
    [schedule] = Schedule.objects.filter(func="jobs.maintenance.refresh_planner_statistics")
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
