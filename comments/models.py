"""Comments on instruments, experiences, journal entries and questions.

A comment points at exactly one of them (a check constraint guards it), so a comment is
visible exactly when its target is: the visibility rule of the target applies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.models import exactly_one_set
from moderation.models import Moderated, ModeratedManager

TARGET_FIELDS = ("instrument", "experience", "journal_entry", "question")


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommentQuerySet:
        from experiences.models import Experience
        from instruments.models import Instrument
        from journal.models import JournalEntry
        from questions.models import Question

        return self.filter(
            Q(instrument__in=Instrument.objects.visible_to(user).values("pk"))
            | Q(experience__in=Experience.objects.visible_to(user).values("pk"))
            | Q(journal_entry__in=JournalEntry.objects.visible_to(user).values("pk"))
            | Q(question__in=Question.objects.values("pk"))
        )


class Comment(Moderated):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text=_("Replies are one level deep: a reply's parent is never a reply."),
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    experience = models.ForeignKey(
        "experiences.Experience",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    journal_entry = models.ForeignKey(
        "journal.JournalEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    question = models.ForeignKey(
        "questions.Question",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    body = models.TextField(_("comment"), max_length=5000, help_text=_("Markdown."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModeratedManager.from_queryset(CommentQuerySet)()
    all_objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_set(TARGET_FIELDS),
                name="comment_has_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def was_edited(self) -> bool:
        """Changed after it was posted (a save within a second of posting does not count)."""
        if self.created_at is None or self.updated_at is None:
            return False
        return (self.updated_at - self.created_at).total_seconds() > 1

    @property
    def target(self):
        for name in TARGET_FIELDS:
            value = getattr(self, name)
            if value is not None:
                return value
        return None
