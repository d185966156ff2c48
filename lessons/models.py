"""Lessons from members-only and confidential communities, published anonymised.

A ``PublicLesson`` is a copy, not a view: the facilitator's edited, anonymised text is
stored here and the original experience or journal entry stays where it was, readable
only by its community. The copy remembers its source (``source_kind``, ``source_id``,
``published_by``) ONLY so the source page can say "published as a lesson" and a
facilitator can withdraw it. Those three fields are private: no public template,
list, feed, API, JSON-LD or search path may read them (``PUBLIC_FIELDS`` is what the
public pages select).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Level
from instruments.constants import Phase


class SourceKind(models.TextChoices):
    EXPERIENCE = "experience", _("Experience")
    JOURNAL_ENTRY = "journal_entry", _("Journal entry")


# The text fields a facilitator edits; each is checked for names before publishing.
TEXT_FIELDS = ("title", "context", "what_was_done", "what_worked", "what_did_not", "lesson")

# What a public page may load; never the source or the publisher.
PUBLIC_FIELDS = (
    "id", "title", "context", "what_was_done", "what_worked", "what_did_not", "lesson",
    "sector", "level", "phase", "published_at",
)  # fmt: skip


class PublicLesson(models.Model):
    title = models.CharField(_("title"), max_length=200)
    context = models.CharField(
        _("context"),
        max_length=200,
        blank=True,
        help_text=_(
            "In general terms, e.g. “a municipality in the east of the country” or "
            "“a vocational school”."
        ),
    )
    what_was_done = models.TextField(_("what was done"), max_length=5000, help_text=_("Markdown."))
    what_worked = models.TextField(
        _("what worked"), max_length=5000, blank=True, help_text=_("Markdown.")
    )
    what_did_not = models.TextField(
        _("what did not work"), max_length=5000, blank=True, help_text=_("Markdown.")
    )
    lesson = models.TextField(_("the lesson"), max_length=5000, help_text=_("Markdown."))
    sector = models.ForeignKey(
        "instruments.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_lessons",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    instruments = models.ManyToManyField(
        "instruments.Instrument",
        verbose_name=_("instruments used"),
        related_name="public_lessons",
        blank=True,
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)

    # Private: where the lesson came from and who published it (see the module docstring).
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, editable=False)
    source_id = models.PositiveBigIntegerField(editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("public lesson")
        verbose_name_plural = _("public lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="one_public_lesson_per_source"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", kwargs={"lesson_id": self.pk})
