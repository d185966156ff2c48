"""Questions ("who has an instrument for ...?") and answers that can link instruments.

Questions are public: they are the demand side that providers need to see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from instruments.constants import Phase
from moderation.models import Moderated, ModeratedManager


class Question(Moderated):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    title = models.CharField(_("question"), max_length=250)
    body = models.TextField(_("explanation"), blank=True, max_length=5000)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    sector = models.ForeignKey(
        "instruments.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", kwargs={"question_id": self.pk})


class Answer(Moderated):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    body = models.TextField(_("answer"), max_length=5000, help_text=_("Markdown."))
    instruments = models.ManyToManyField(
        "instruments.Instrument",
        verbose_name=_("instruments"),
        related_name="answers",
        blank=True,
    )
    is_helpful = models.BooleanField(_("marked helpful by the asker"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["-is_helpful", "created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.body[:50]
