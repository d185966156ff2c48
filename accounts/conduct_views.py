"""The code of conduct (``/gedragscode/``) and the page that asks a signed-in person to
accept it (see ``accounts.security.CodeOfConductMiddleware``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import conduct_services
from accounts.forms import AcceptCodeOfConductForm


@require_GET
def code_of_conduct(request):
    return render(request, "accounts/code_of_conduct.html")


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def accept(request):
    next_url = _next_url(request)
    if request.user.code_of_conduct_accepted_at is not None:
        return redirect(next_url or "accounts:profile")
    form = AcceptCodeOfConductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        conduct_services.code_of_conduct_accept(user=request.user)
        messages.success(request, _("Thank you. Welcome to Samenspel."))
        return redirect(next_url or "accounts:profile")
    return render(
        request, "accounts/code_of_conduct_accept.html", {"form": form, "next_url": next_url}
    )
