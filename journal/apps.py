from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    """A community's development journal: its steps, instruments used and value stories."""

    name = "journal"
    verbose_name = _("Development journal")
