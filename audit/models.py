"""The audit log: who did what to what, when, with the state before and after.

Events are written once and never changed. The application cannot edit or delete them
(``save`` refuses an existing row, ``delete`` and bulk ``update``/``delete`` refuse), the
admin shows them read-only, and a database trigger (migration 0002) refuses any UPDATE.

The actor is stored as an id, not a foreign key, so deleting an account never has to
rewrite the log; the log page shows a deleted account as such.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsImmutable(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogIsImmutable("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor_id = models.PositiveBigIntegerField(_("who (account id)"), null=True, blank=True)
    action = models.CharField(_("what"), max_length=60, db_index=True)
    target_type = models.CharField(_("on what kind"), max_length=40, blank=True)
    target_id = models.CharField(_("on which"), max_length=64, blank=True)
    target_label = models.CharField(_("label"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditLogIsImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsImmutable("Audit events cannot be deleted.")
