from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People: the user model with its profile (name, organisation, roles)."""

    name = "accounts"
    verbose_name = _("Accounts")
