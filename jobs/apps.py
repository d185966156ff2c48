from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from django.apps import apps

        from jobs.maintenance import refresh_after_migrate

        # post_migrate is sent once per migrate for each app *with models*, which this one
        # has not: listening to django-q's (whose tables hold our schedules) runs it once.
        post_migrate.connect(
            refresh_after_migrate,
            sender=apps.get_app_config("django_q"),
            dispatch_uid="jobs-analyze",
        )
