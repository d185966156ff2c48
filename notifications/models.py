"""Follows and in-app notifications.

A notification points at the content it is about; it is shown (and mailed in the
digest) only while that content is visible to its recipient, so a later change of
visibility or membership can never leak it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lib.models import exactly_one_set


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    question = models.ForeignKey(
        "questions.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set(("instrument", "community", "question")),
                name="follow_has_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "instrument"], name="unique_follow_instrument"),
            models.UniqueConstraint(fields=["user", "community"], name="unique_follow_community"),
            models.UniqueConstraint(fields=["user", "question"], name="unique_follow_question"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user} follows {self.instrument or self.community or self.question}"


class NotificationKind(models.TextChoices):
    NEW_EXPERIENCE = "new_experience", _("New experience")
    NEW_JOURNAL_ENTRY = "new_journal_entry", _("New journal entry")
    NEW_ANSWER = "new_answer", _("New answer")
    INVITATION = "invitation", _("Invitation")
    JOIN_REQUEST = "join_request", _("Join request")
    MODERATION_DECISION = "moderation_decision", _("Moderation decision")
    DATA_EXPORT_READY = "data_export_ready", _("Your data export is ready")
    SCAN_ROUND = "scan_round", _("A scan to fill in")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    experience = models.ForeignKey(
        "experiences.Experience", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    journal_entry = models.ForeignKey(
        "journal.JournalEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "questions.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invitation = models.ForeignKey(
        "communities.Invitation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    join_request = models.ForeignKey(
        "communities.JoinRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A moderator's decision about the recipient's own contribution (see moderation.actions).
    decision = models.ForeignKey(
        "moderation.Decision", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The recipient's own personal data export, built in the background (accounts.personal_data);
    # removed with it when it expires.
    data_export = models.ForeignKey(
        "backups.PersonalDataExport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # A round of a scan started in the recipient's community, for its members to answer.
    scan_round = models.ForeignKey(
        "scans.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def content_url(self) -> str:
        """Where the notification leads: the content itself, or where to act on it.

        A join request leads to the community's members page, where its facilitators
        decide; a scan round to its answer page. An invitation leads nowhere here: only its
        e-mail carries the one-time link (we store just its hash), and a confidential
        community's page would be a 404 until it is accepted. Empty when there is no page
        (yet), so a list never fails.
        """
        try:
            if self.experience_id:
                return self.experience.get_absolute_url()
            if self.journal_entry_id:
                return self.journal_entry.get_absolute_url()
            if self.answer_id:
                return f"{self.answer.question.get_absolute_url()}#answer-{self.answer_id}"
            if self.join_request_id:
                return reverse(
                    "communities:members", kwargs={"slug": self.join_request.community.slug}
                )
            if self.decision_id:
                return f"{reverse('moderation:mine')}#decision-{self.decision_id}"
            if self.data_export_id:
                return f"{reverse('personal_data:overview')}#data-export"
            if self.scan_round_id:
                return reverse("scans:answer", kwargs={"code": self.scan_round.code})
        except NoReverseMatch:
            return ""
        return ""
