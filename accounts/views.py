"""The signed-in person's own profile (sign-up, login and passwords are allauth's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import ProfileForm
from instruments.models import Instrument


@login_required
@require_GET
def profile(request):
    instruments = Instrument.objects.filter(owner=request.user).order_by("title")
    return render(request, "accounts/profile.html", {"own_instruments": instruments})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    initial = {
        "name": user.name,
        "organisation": user.organisation.name if user.organisation else "",
        "roles": user.roles,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_form.html", {"form": form})
