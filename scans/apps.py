from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScansConfig(AppConfig):
    """Interactive scans: questionnaire instruments that a community's members answer
    privately, after which the group discusses the spread of the answers."""

    name = "scans"
    verbose_name = _("Scans")
