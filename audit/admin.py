"""The audit log in the admin: browsable and searchable, never editable.

No add, change or delete permission, for superusers too: the change page becomes a
read-only view, and POSTs to the change or delete URL are refused by the admin itself.
"""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEvent
from lib.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_id", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_type", "target_id", "target_label", "summary"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
