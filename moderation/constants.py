"""What moderation can say about a piece of content. Kept free of models so that every
content app can import it without import cycles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationState(models.TextChoices):
    VISIBLE = "visible", _("visible")
    PENDING = "pending", _("pending review")
    HIDDEN = "hidden", _("hidden by a moderator")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, hateful or harassing")
    PRIVACY = "privacy", _("Shares personal or confidential information")
    MISLEADING = "misleading", _("Incorrect or misleading")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ReportOutcome(models.TextChoices):
    OPEN = "open", _("not yet decided")
    UPHELD = "upheld", _("upheld")
    DISMISSED = "dismissed", _("dismissed")


class ActionKind(models.TextChoices):
    APPROVE = "approve", _("approved")
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    DISMISS = "dismiss", _("reports dismissed")
    EDIT = "edit", _("edited by a moderator")
    WARN = "warn", _("author warned")
    SUSPEND = "suspend", _("author suspended")
    BAN = "ban", _("author banned")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("waiting for a moderator")
    UPHELD = "upheld", _("decision upheld")
    REVERSED = "reversed", _("decision reversed")
