"""The catalogue version row behind the cached counts (``instruments.counts``), and the
indexes that let the list count and sort through the visibility rule without the wide rows."""

import uuid

from django.db import migrations, models


def create_version(apps, schema_editor):
    apps.get_model("instruments", "CatalogueVersion").objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("instruments", "0003_instrument_moderation_state"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="instrument",
            index=models.Index(
                fields=["moderation_state", "status", "kind"], name="instrument_visible_kind"
            ),
        ),
        migrations.AddIndex(
            model_name="instrument",
            index=models.Index(
                fields=["moderation_state", "status", "title", "id"],
                name="instrument_visible_title",
            ),
        ),
    ]
