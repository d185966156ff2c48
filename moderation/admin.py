"""Moderation in the admin: read-only. Decisions go through ``moderation.actions`` (which
check permission, write the audit event and tell the author), never through a form here.

Note that the admin shows every case, including those of confidential communities: only
staff reach the admin, and it is for support, not moderation.
"""

from __future__ import annotations

from django.contrib import admin

from lib.admin import ReadOnlyAdmin
from moderation.models import Appeal, Case, Decision, Report


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "object_id", "status", "is_held", "report_count", "opened_at"]
    list_filter = ["status", "kind", "is_held"]
    list_select_related = ["community"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "reason", "weight", "outcome", "created_at"]
    list_filter = ["reason", "outcome"]
    list_select_related = ["case"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "object_id", "action", "created_at"]
    list_filter = ["action", "kind"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["id", "decision", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["decision"]
