"""Your data: what Samenspel holds about you, the download, and deleting the account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import personal_data
from accounts.personal_data_forms import AccountDeleteForm


@login_required
@require_GET
def overview(request):
    return render(
        request,
        "accounts/personal_data.html",
        {"files": personal_data.FILE_DESCRIPTIONS.items()},
    )


@login_required
@require_POST
def download(request):
    """POST only: the download writes an audit event, and a link must not trigger it."""
    content = personal_data.personal_data_export(request.user)
    response = HttpResponse(content, content_type="application/zip")
    filename = personal_data.export_filename()
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
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
