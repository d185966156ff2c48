"""Your data: what Samenspel holds about you, the download, and deleting the account.

The download is prepared in the background (see ``accounts.personal_data``): asking for
it (POST) queues the build and returns to the page, which shows the export's state and,
while it is being prepared, asks for that state again every few seconds (htmx). The zip
itself is served only to its owner.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import personal_data
from accounts.personal_data_forms import AccountDeleteForm

# How often the page asks for the state of an export being prepared.
POLL_SECONDS = 3


def _export_context(user) -> dict:
    export = personal_data.data_export_current(user)
    stuck = export is not None and personal_data.data_export_is_stuck(export)
    return {
        "export": export,
        "export_failed": export is not None and (export.is_failed or stuck),
        "export_polling": export is not None and export.is_pending and not stuck,
        "poll_seconds": POLL_SECONDS,
        "keep_days": settings.PERSONAL_DATA_EXPORT_KEEP.days,
    }


@login_required
@require_GET
@never_cache
def overview(request):
    return render(
        request,
        "accounts/personal_data.html",
        {"files": personal_data.FILE_DESCRIPTIONS.items(), **_export_context(request.user)},
    )


@login_required
@require_POST
def export_request(request):
    """POST only: it starts work and, once built, records an audit event."""
    export = personal_data.data_export_request(user=request.user)
    if export.is_ready:
        messages.success(request, _("Your data is ready to download."))
    elif export.is_pending:
        messages.info(
            request,
            _("We are preparing your data. You will get a notification when it is ready."),
        )
    return redirect(reverse("personal_data:overview") + "#data-export")


@login_required
@require_GET
@never_cache
def export_status(request):
    """The state of the person's export, for the page's polling (htmx swaps it in)."""
    return render(request, "accounts/_data_export.html", _export_context(request.user))


@login_required
@require_GET
def export_download(request, token):
    """The zip, to its owner only: anyone else's, an expired or a missing one is a 404."""
    export = personal_data.data_export_for_download(user=request.user, token=token)
    if export is None:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=personal_data.export_filename(export.created_at.date()),
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.account_delete(
                user=user,
                contributions=form.cleaned_data["contributions"],
                password=form.cleaned_data.get("password", ""),
                email=form.cleaned_data.get("email", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye."))
            return redirect("home")
    return render(
        request,
        "accounts/account_delete.html",
        {
            "form": form,
            "sole_facilitator_of": personal_data.sole_facilitator_communities(user),
        },
    )
