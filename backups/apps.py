from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """``manage.py backup`` and ``manage.py restore``: snapshots of the database and uploads."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "backups"
    verbose_name = _("backups")
