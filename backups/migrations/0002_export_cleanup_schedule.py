"""Removing expired personal data exports every night, as a django-q2 schedule (see
``accounts.personal_data.data_exports_remove_expired``).

Created once, by name: running ``migrate`` again, or a schedule changed by staff in the
admin, is left as it is.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations

NAME = "accounts: remove expired data exports"


def next_night() -> datetime.datetime:
    now = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return (now + datetime.timedelta(days=1)).replace(hour=3, minute=30, second=0, microsecond=0)


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": "accounts.personal_data.data_exports_remove_expired",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_night(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("backups", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
