from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    """Lessons from closed communities, published anonymised for everyone."""

    name = "lessons"
    verbose_name = _("Public lessons")
