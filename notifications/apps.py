from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Following instruments, communities and questions; notifications and the weekly digest."""

    name = "notifications"
    verbose_name = _("Notifications")
