from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """Import and export of the whole library (JSON and CSV) and the demo content it ships."""

    name = "library"
    verbose_name = _("Library import and export")
