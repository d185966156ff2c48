"""The audit log page for staff: filter, page through, and download the filtered log as CSV.

Both views read only (``@require_GET``); nothing in this app can change an event.
"""

from __future__ import annotations

import csv
import json
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import selectors
from audit.forms import AuditFilterForm

PAGE_SIZE = 25

# The CSV export reads the log in chunks of this many events (one actor query per chunk).
EXPORT_CHUNK = 500

CSV_COLUMNS = [
    "id", "created_at", "actor_id", "actor", "action", "action_label",
    "target_type", "target_id", "target_label", "summary", "before", "after",
]  # fmt: skip

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request) -> AuditFilterForm:
    action_choices, target_type_choices = selectors.filter_choices()
    return AuditFilterForm(
        request.GET or None,
        action_choices=action_choices,
        target_type_choices=target_type_choices,
    )


def _filters(form: AuditFilterForm) -> selectors.AuditFilters | None:
    """The filters to apply, ``None`` when the form has errors (the page shows them)."""
    if not form.is_bound:
        return selectors.AuditFilters()
    return form.filters() if form.is_valid() else None


@require_GET
@login_required
def audit_log(request):
    selectors.check_audit_log_permission(request.user)
    form = _filter_form(request)
    filters = _filters(form)
    context = {"form": form, "filters": filters, "page": None, "rows": []}
    if filters is not None:
        paginator = Paginator(selectors.audit_events(filters=filters), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        context.update(page=page, rows=selectors.audit_rows(page.object_list))
    return render(request, "audit/log.html", context)


@require_GET
@login_required
def audit_export(request):
    """The filtered log as CSV, every event (not one page), before/after as JSON."""
    selectors.check_audit_log_permission(request.user)
    form = _filter_form(request)
    filters = _filters(form)
    if filters is None:
        context = {"form": form, "filters": None, "page": None, "rows": []}
        return render(request, "audit/log.html", context, status=400)
    events = selectors.audit_events(filters=filters)
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    filename = f"auditlog-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming csv)."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_lines(events):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # the byte order mark Excel reads as UTF-8
    iterator = events.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for row in selectors.audit_rows(chunk):
            event = row.event
            values = [
                event.pk,
                timezone.localtime(event.created_at).isoformat(),
                event.actor_id,
                row.actor,
                event.action,
                row.action_label,
                event.target_type,
                event.target_id,
                event.target_label,
                event.summary,
                json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
                json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
            ]
            yield writer.writerow([_cell(value) for value in values])
