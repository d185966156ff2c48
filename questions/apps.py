from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    """Questions and demand: "who has an instrument for ...?" and the answers."""

    name = "questions"
    verbose_name = _("Questions")
