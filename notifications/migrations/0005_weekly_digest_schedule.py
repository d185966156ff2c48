"""The weekly digest as a django-q2 schedule (see ``notifications.tasks``).

Created once, by name: running ``migrate`` again, or a schedule changed by staff in the
admin, is left as it is.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

NAME = "notifications: weekly digest"


def next_monday_morning() -> datetime.datetime:
    """The coming Monday, 07:00 local time: the digest is in the inbox as the week starts."""
    now = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    days = (7 - now.weekday()) % 7 or 7
    return (now + datetime.timedelta(days=days)).replace(hour=7, minute=0, second=0, microsecond=0)


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "notifications.tasks.send_digests",
            "kwargs": "days=7",
            "schedule_type": "W",
            "repeats": -1,
            "next_run": next_monday_morning(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0018_task_success_index"),
        ("notifications", "0004_data_export"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
