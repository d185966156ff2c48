from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    """Learning communities. For now the example records of the library; memberships follow."""

    name = "communities"
    verbose_name = _("Communities")
