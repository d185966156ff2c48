"""Personal API tokens on the profile page: create one (its text is shown once) and revoke.

Plain POST forms with CSRF that work without JavaScript. The created token is rendered
straight into the response to the POST and never stored or put in the session, so it
cannot be shown a second time.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api import services
from api.forms import ApiTokenForm
from api.selectors import get_token_for_user


def _profile_section() -> str:
    return f"{reverse('accounts:profile')}#api-tokens"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context = {"token": token, "plain_token": plain}
            return render(request, "api/token_created.html", context, status=201)
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = get_token_for_user(user=request.user, token_id=token_id)
    if request.method == "POST":
        services.api_token_revoke(user=request.user, token=token)
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
        return redirect(_profile_section())
    return render(request, "api/token_revoke_confirm.html", {"token": token})
