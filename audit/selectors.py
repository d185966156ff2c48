"""Reads of the audit log, for staff only: the filtered events, who did them and what changed.

The log page makes a fixed number of queries whatever the number of events: the events of
one page, then the names of their actors in one bulk query (``actor_names``). Actors are
stored as ids, so an account deleted since shows as "deleted account #id".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from audit.actions import ACTION_LABELS, action_label
from audit.models import AuditEvent
from communities.models import MemberRole, Visibility
from moderation.constants import ModerationState

MESSAGE_STAFF_ONLY = gettext_noop("Only staff can read the audit log.")

# Long values (an edited text, say) are cut on the page; the CSV export has them whole.
VALUE_MAX_LENGTH = 160

# Stored values with a readable label: the field name in before/after -> its choices.
VALUE_CHOICES = {
    "visibility": Visibility,
    "role": MemberRole,
    "roles": Role,
    "moderation_state": ModerationState,
}


def check_audit_log_permission(user) -> None:
    """Only active staff read the log (the view sends anonymous visitors to sign in first)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_(MESSAGE_STAFF_ONLY))


@dataclass(frozen=True)
class AuditFilters:
    """Cleaned filters of the log page (see ``audit.forms.AuditFilterForm``)."""

    action: str = ""
    actor_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return self == AuditFilters()


def audit_events(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching ``filters``, newest first. Dates are days in the site's time zone."""
    events = AuditEvent.objects.all()
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.date_from:
        events = events.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(created_at__date__lte=filters.date_to)
    return events.order_by("-created_at", "-id")


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(action choices, target type choices) for the filter form, in one query.

    Actions are the known ones plus any other name found in the log; target types are
    the ones found in the log, each with its model's readable name.
    """
    found = AuditEvent.objects.order_by().values_list("action", "target_type").distinct()
    actions, target_types = set(ACTION_LABELS), set()
    for action, target_type in found:
        actions.add(action)
        if target_type:
            target_types.add(target_type)
    action_choices = sorted(
        ((name, f"{action_label(name)} ({name})") for name in actions), key=lambda c: c[1]
    )
    type_names = _model_names()
    type_choices = sorted(
        ((name, f"{type_names.get(name, name)} ({name})") for name in target_types),
        key=lambda c: c[1],
    )
    return action_choices, type_choices


def account_id_for_email(email: str) -> int | None:
    """The id of the account that signs in with ``email``, if there is one."""
    User = get_user_model()
    return User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()


def _model_names() -> dict[str, str]:
    """Readable names of the stored target types (model names such as ``membership``)."""
    return {model._meta.model_name: model._meta.verbose_name for model in apps.get_models()}


def actor_names(actor_ids) -> dict[int, str]:
    """Display names of the accounts among ``actor_ids`` that still exist, in one query."""
    ids = {actor_id for actor_id in actor_ids if actor_id is not None}
    if not ids:
        return {}
    User = get_user_model()
    people = User.objects.filter(pk__in=ids).only("pk", "name", "email")
    return {person.pk: person.display_name for person in people}


@dataclass(frozen=True)
class Change:
    """One field that differs between an event's before and after, as readable text."""

    name: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    """What the log page shows of one event."""

    event: AuditEvent
    actor: str
    actor_exists: bool
    action_label: str
    target_type_label: str
    changes: list[Change] = field(default_factory=list)


def readable_value(name: str, value) -> str:
    """A stored before/after value as short text: choices by label, lists joined."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(readable_value(name, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {readable_value(key, item)}" for key, item in value.items())
    choices = VALUE_CHOICES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    text = str(value)
    return text if len(text) <= VALUE_MAX_LENGTH else f"{text[: VALUE_MAX_LENGTH - 1]}…"


def changes_of(before, after) -> list[Change]:
    """The keys whose value differs between ``before`` and ``after`` (either may be absent).

    A value that is not a dict (an odd event) is compared as a whole, under the name "value".
    """
    if not isinstance(before, dict) or not isinstance(after, dict):
        if before == after:
            return []
        if before is None and isinstance(after, dict):
            before = {}
        elif after is None and isinstance(before, dict):
            after = {}
        else:
            before, after = {"value": before}, {"value": after}
    names = sorted(set(before) | set(after))
    return [
        Change(
            name=name,
            before=readable_value(name, before.get(name)),
            after=readable_value(name, after.get(name)),
        )
        for name in names
        if before.get(name) != after.get(name)
    ]


def audit_rows(events) -> list[AuditRow]:
    """The page's rows for ``events`` (one page of them): one query for the actors' names."""
    events = list(events)
    names = actor_names(event.actor_id for event in events)
    type_names = _model_names()
    rows = []
    for event in events:
        if event.actor_id is None:
            actor, exists = _("system"), False
        elif event.actor_id in names:
            actor, exists = names[event.actor_id], True
        else:
            actor = _("deleted account #%(id)s") % {"id": event.actor_id}
            exists = False
        rows.append(
            AuditRow(
                event=event,
                actor=actor,
                actor_exists=exists,
                action_label=str(action_label(event.action)),
                target_type_label=str(type_names.get(event.target_type, event.target_type)),
                changes=changes_of(event.before, event.after),
            )
        )
    return rows
