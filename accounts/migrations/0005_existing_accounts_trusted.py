"""Accounts that existed before new contributions were held for review posted freely until
now; they count as trusted, so the hold applies to accounts created from here on."""

from django.db import migrations
from django.utils import timezone


def trust_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(trusted_at__isnull=True).update(trusted_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_code_of_conduct_accepted_at_user_is_moderator_and_more")]

    operations = [migrations.RunPython(trust_existing, migrations.RunPython.noop)]
