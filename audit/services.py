"""The one way to write to the audit log. Call it inside the write it records, so the event
and the change commit (or roll back) together."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model

from audit.models import AuditEvent


def _json_safe(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_safe(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Model):
        return value.pk
    return str(value)


def _label(target: Model) -> str:
    """A person is labelled by account id only (the log outlives a deleted account and must
    not keep their name); anything else by its ``str``."""
    if isinstance(target, AbstractBaseUser):
        return f"#{target.pk}"
    return str(target)


def record_event(
    *,
    actor,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    target_label: str = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` (a user, or ``None`` for the system) did ``action``
    (a dotted name such as ``"moderation.hide"`` or ``"membership.role_changed"``) to
    ``target``. ``before``/``after`` hold the fields that changed."""
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or target.pk
        target_label = target_label or _label(target)
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        target_label=target_label[:200],
        summary=summary[:300],
        before=_json_safe(before),
        after=_json_safe(after),
    )
