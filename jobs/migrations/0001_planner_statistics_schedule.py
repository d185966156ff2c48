"""A daily django-q schedule that refreshes the query planner's statistics
(``jobs.maintenance.refresh_planner_statistics``), created once by name."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

NAME = "database: planner statistics"


def next_early_morning() -> datetime.datetime:
    now = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return (now + datetime.timedelta(days=1)).replace(hour=4, minute=15, second=0, microsecond=0)


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=NAME,
        defaults={
            "func": "jobs.maintenance.refresh_planner_statistics",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_early_morning(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
