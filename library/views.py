"""The spreadsheet import (upload, preview, confirm, result) and the public downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from instruments.models import Instrument
from library.exports import (
    LibraryExportFailed,
    instrument_csv_rows,
    json_text,
    library_records,
    write_instrument_csv,
)
from library.forms import UploadForm
from library.imports import (
    MAX_ROWS,
    UploadNotImportable,
    check_library_import_permission,
    upload_import,
    upload_preview,
)
from library.pending import get_pending_upload_for_user, pending_delete, pending_save
from library.services import CREATED, UNCHANGED, UPDATED
from library.validation import INSTRUMENTS, KINDS

RESULT_SESSION_KEY = "library_import_result"
EXPORT_FILE_STEM = "samenspel-bibliotheek"


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    check_library_import_permission(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = pending_save(
            user=request.user,
            name=form.cleaned_data["file"].name,
            publish=form.cleaned_data["publish"],
            records=form.source.records,
            problems=form.read_problems,
        )
        return redirect("library:import_preview", token=token)
    status = 400 if form.errors else 200
    context = {"form": form, "max_rows": MAX_ROWS}
    return render(request, "library/import_upload.html", context, status=status)


@login_required
@require_GET
def import_preview(request, token: str):
    check_library_import_permission(request.user)
    pending = get_pending_upload_for_user(request.user, token)
    preview = upload_preview(
        user=request.user,
        name=pending.name,
        records=pending.records,
        read_problems=pending.problems,
        publish=pending.publish,
    )
    return _render_preview(request, pending, preview)


@login_required
@require_POST
def import_confirm(request, token: str):
    check_library_import_permission(request.user)
    pending = get_pending_upload_for_user(request.user, token)
    try:
        report = upload_import(
            user=request.user,
            name=pending.name,
            records=pending.records,
            read_problems=pending.problems,
            publish=pending.publish,
        )
    except UploadNotImportable as failure:
        messages.error(request, _("Nothing was saved: the file still has problems."))
        return _render_preview(request, pending, failure.preview, status=409)
    pending_delete(token)
    ids = report.ids.get(INSTRUMENTS, {})
    request.session[RESULT_SESSION_KEY] = {
        "name": pending.name,
        "created": ids.get(CREATED, []),
        "updated": ids.get(UPDATED, []),
        "unchanged": len(ids.get(UNCHANGED, [])),
    }
    return redirect("library:import_result")


@login_required
@require_GET
def import_result(request):
    check_library_import_permission(request.user)
    result = request.session.get(RESULT_SESSION_KEY)
    if result is None:
        return redirect("library:import")
    visible = Instrument.objects.visible_to(request.user)
    slugs = [*result["created"], *result["updated"]]
    by_slug = {i.slug: i for i in visible.filter(slug__in=slugs).only("slug", "title", "status")}
    context = {
        "result": result,
        "created": [by_slug[slug] for slug in result["created"] if slug in by_slug],
        "updated": [by_slug[slug] for slug in result["updated"] if slug in by_slug],
    }
    return render(request, "library/import_result.html", context)


def _render_preview(request, pending, preview, *, status: int = 200):
    context = {"pending": pending, "preview": preview, "counts": preview.counts}
    return render(request, "library/import_preview.html", context, status=status)


@require_GET
def export_csv(request):
    """The public instruments in the CSV format of ``library.csvformat``, for Excel."""
    records = library_records(public_only=True)[INSTRUMENTS]
    try:
        rows = instrument_csv_rows(records)
    except LibraryExportFailed as exc:
        return render(request, "library/export_failed.html", {"error": str(exc)}, status=500)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment("csv")
    response.write("\ufeff")  # the byte order mark by which Excel recognises UTF-8
    write_instrument_csv(response, rows)
    return response


@require_GET
def export_json(request):
    """The public library as one object: ``{"concepts": [...], "instruments": [...],
    "communities": [...]}``, each list in the shape of the importer's file of that name."""
    records = library_records(public_only=True)
    response = HttpResponse(
        json_text({kind: records[kind] for kind in KINDS}),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = _attachment("json")
    return response


def _attachment(extension: str) -> str:
    return f'attachment; filename="{EXPORT_FILE_STEM}-{timezone.localdate():%Y-%m-%d}.{extension}"'
