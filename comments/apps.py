from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Comments, with replies one level deep, on instruments, experiences, entries, questions."""

    name = "comments"
    verbose_name = _("Comments")
