"""The development journal (*ontwikkelstappen*) of a community, with value-creation stories."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.visibility import content_filter
from instruments.constants import Phase
from moderation.models import Moderated, ModeratedManager


class EntryKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WORK_SESSION = "work_session", _("Work session")
    STANDUP = "standup", _("Stand-up")
    DECISION = "decision", _("Decision")
    MILESTONE = "milestone", _("Milestone")
    REFLECTION = "reflection", _("Reflection")


class SubPhase(models.TextChoices):
    """The steps within *uitvoeren*: orientation, action sprints, evaluation."""

    ORIENTATION = "orientation", _("Orientation")
    SPRINT = "sprint", _("Action sprint")
    EVALUATION = "evaluation", _("Evaluation")


class ValueCycle(models.TextChoices):
    EXPECTED = "expected", _("Expected value")
    IMMEDIATE = "immediate", _("Immediate value")
    POTENTIAL = "potential", _("Potential value")
    APPLIED = "applied", _("Applied value")
    REALISED = "realised", _("Realised value")
    TRANSFORMATIVE = "transformative", _("Transformative value")


class Capital(models.TextChoices):
    """The kinds of potential value (knowledge capital)."""

    HUMAN = "human", _("Human capital")
    SOCIAL = "social", _("Social capital")
    TANGIBLE = "tangible", _("Tangible capital")
    REPUTATIONAL = "reputational", _("Reputational capital")
    LEARNING = "learning", _("Learning capital")


MESSAGE_SUB_PHASE_OUTSIDE_UITVOEREN = _(
    "A step within carrying out can only be chosen in the phase “Carrying out”."
)
MESSAGE_SPRINT_NUMBER_REQUIRED = _("Give the number of the action sprint.")
MESSAGE_SPRINT_NUMBER_ONLY_FOR_SPRINTS = _("Only an action sprint has a sprint number.")
MESSAGE_CAPITAL_REQUIRED = _("Potential value needs the kind of capital it builds.")
MESSAGE_CAPITAL_ONLY_FOR_POTENTIAL = _("Only potential value has a kind of capital.")


class JournalEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> JournalEntryQuerySet:
        return self.filter(content_filter(user))


class JournalEntry(Moderated):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="journal_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journal_entries",
    )
    kind = models.CharField(_("kind of step"), max_length=20, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    sub_phase = models.CharField(
        _("step within carrying out"), max_length=20, choices=SubPhase.choices, blank=True
    )
    sprint_number = models.PositiveSmallIntegerField(
        _("sprint number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    instruments = models.ManyToManyField(
        "instruments.Instrument",
        verbose_name=_("instruments used"),
        related_name="journal_entries",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedManager.from_queryset(JournalEntryQuerySet)()
    all_objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["community", "-date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("journal:detail", kwargs={"slug": self.community.slug, "entry_id": self.pk})

    def clean(self) -> None:
        """Sub-phases exist only within *uitvoeren*; a sprint (and only a sprint) has a number."""
        errors = {}
        if self.sub_phase and self.phase != Phase.UITVOEREN:
            errors["sub_phase"] = MESSAGE_SUB_PHASE_OUTSIDE_UITVOEREN
        if self.sub_phase == SubPhase.SPRINT and self.sprint_number is None:
            errors["sprint_number"] = MESSAGE_SPRINT_NUMBER_REQUIRED
        elif self.sub_phase != SubPhase.SPRINT and self.sprint_number is not None:
            errors["sprint_number"] = MESSAGE_SPRINT_NUMBER_ONLY_FOR_SPRINTS
        if errors:
            raise ValidationError(errors)

    @property
    def sub_phase_label(self) -> str:
        """The step as shown: "Action sprint 3", "Orientation", or "" when there is none."""
        if self.sub_phase == SubPhase.SPRINT and self.sprint_number:
            return gettext("Action sprint %(number)s") % {"number": self.sprint_number}
        return self.get_sub_phase_display() if self.sub_phase else ""


def journal_attachment_path(instance: JournalAttachment, filename: str) -> str:
    """An unguessable path: attachments are served only through the journal's own view."""
    year = timezone.now().year
    return f"attachments/journal/{year}/{secrets.token_urlsafe(12)}/{filename}"


class JournalAttachment(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=journal_attachment_path, max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ValueStory(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="value_stories")
    cycle = models.CharField(_("value cycle"), max_length=20, choices=ValueCycle.choices)
    capital = models.CharField(
        _("kind of capital"), max_length=20, choices=Capital.choices, blank=True
    )
    text = models.TextField(_("story"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("value story")
        verbose_name_plural = _("value stories")

    def __str__(self) -> str:
        return f"{self.get_cycle_display()}: {self.text[:40]}"

    def clean(self) -> None:
        """Potential value (and only potential value) names the kind of capital it builds."""
        if self.cycle == ValueCycle.POTENTIAL and not self.capital:
            raise ValidationError({"capital": MESSAGE_CAPITAL_REQUIRED})
        if self.cycle != ValueCycle.POTENTIAL and self.capital:
            raise ValidationError({"capital": MESSAGE_CAPITAL_ONLY_FOR_POTENTIAL})
