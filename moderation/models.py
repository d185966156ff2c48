"""Moderation: what content everyone may see, reports, the cases moderators work through,
their decisions, and the author's one appeal per decision.

Content models inherit ``Moderated``. Their default manager (``objects``) is a
``ModeratedManager``, which returns only visible rows: every existing read path (pages,
lists, related managers, API, search, feeds, recommendations, exports) then leaves held and
hidden content out without knowing about moderation. ``all_objects`` reads everything; only
moderation itself and an author's view of their own contributions use it, together with
``moderation.rules.readable_filter``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.constants import (
    ActionKind,
    AppealStatus,
    CaseStatus,
    ModerationState,
    ReportOutcome,
    ReportReason,
)


class ModeratedManager(models.Manager):
    """Only what moderation lets everyone see (not held, not hidden)."""

    def get_queryset(self):
        return super().get_queryset().filter(moderation_state=ModerationState.VISIBLE)


class Moderated(models.Model):
    moderation_state = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.VISIBLE,
        db_index=True,
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.moderation_state == ModerationState.PENDING

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN


class Case(models.Model):
    """Everything moderators need to decide about one item: its reports merge here, and a
    held contribution waits here. One open case per item (a partial unique constraint).

    ``community`` routes the case: content in a members-only or confidential community is
    moderated by that community's facilitators, because platform moderators may not read it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="moderation_cases",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_cases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    is_held = models.BooleanField(_("held for review"), default=False)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    report_score = models.FloatField(
        _("report weight"), default=0, help_text=_("The sum of the reporters' weights.")
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status=CaseStatus.OPEN),
                name="one_open_case_per_item",
            )
        ]
        indexes = [models.Index(fields=["status", "-last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"


class Report(models.Model):
    """One person's report of one item. A second report by the same person on the same
    open case updates the first instead of counting twice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.TextField(_("explanation"), max_length=2000, blank=True)
    weight = models.FloatField(default=1.0)
    outcome = models.CharField(
        max_length=10, choices=ReportOutcome.choices, default=ReportOutcome.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["case", "reporter"], name="one_report_per_reporter")
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.case}"


class Decision(models.Model):
    """What a moderator did, and why: shown to the author, who may appeal it once."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=ActionKind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions_received",
        help_text=_("The author of the content, who is told about the decision."),
    )
    reason = models.TextField(_("reason for the author"), max_length=2000, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.action} {self.kind} #{self.object_id}"


class Appeal(models.Model):
    """The author's one appeal against a decision (a one-to-one link enforces "once")."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_appeals",
    )
    text = models.TextField(_("why the decision should change"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    response = models.TextField(_("moderator's answer"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal of {self.decision}"
