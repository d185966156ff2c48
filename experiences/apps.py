from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    """Experiences: instrument x context x outcome, and what worked where."""

    name = "experiences"
    verbose_name = _("Experiences")
