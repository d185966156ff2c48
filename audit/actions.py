"""The action names the audit log knows, with the label the log page shows for each.

Names are stored as dotted strings (``record_event(action="membership.added")``) so the
log keeps its meaning when a label is reworded or translated; the page shows the label
and the raw name side by side. A name missing here is still shown, by its raw name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "moderation.approve": _("Held contribution approved"),
    "moderation.hide": _("Content hidden"),
    "moderation.restore": _("Content restored"),
    "moderation.dismiss": _("Reports dismissed"),
    "moderation.edit": _("Content edited by a moderator"),
    "moderation.warn": _("Author warned"),
    "moderation.suspend": _("Account suspended"),
    "moderation.ban": _("Account banned"),
    "moderation.appeal_decided": _("Appeal decided"),
    "membership.added": _("Member added"),
    "membership.role_changed": _("Member's role changed"),
    "membership.removed": _("Member removed"),
    "membership.left": _("Member left"),
    "community.created": _("Community created"),
    "community.visibility_changed": _("Community visibility changed"),
    "account.roles_changed": _("Account roles changed"),
    "account.staff_changed": _("Staff or moderator rights changed"),
    "account.data_exported": _("Personal data downloaded"),
    "account.deleted": _("Account deleted"),
    "lesson.published": _("Lesson published"),
    "task.retried": _("Failed background task tried again"),
    "task.deleted": _("Failed background task deleted"),
}


def action_label(action: str):
    """The readable label of ``action``, or the raw name for an action not listed here."""
    return ACTION_LABELS.get(action, action)
