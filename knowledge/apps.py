from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    """The knowledge base: concepts behind the instruments, kept as a revisioned wiki."""

    name = "knowledge"
    verbose_name = _("Knowledge base")
