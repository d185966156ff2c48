"""Account security that applies to every page: the code of conduct and two-factor sign-in.

Two middlewares send a signed-in person to one page until they have done one thing:

- ``CodeOfConductMiddleware``: anyone who has not accepted the code of conduct is asked
  once (``conduct:accept``). The e-mail sign-up form asks for it; a first sign-in with
  LinkedIn or SURFconext creates the account at once (``SOCIALACCOUNT_AUTO_SIGNUP``), so
  the question comes on the next page instead of an extra form in the middle of it.
- ``TwoFactorRequiredMiddleware``: moderators and staff (``user.can_moderate_platform``)
  without a TOTP authenticator are sent to allauth's setup page. They can act on other
  people's content and accounts, so a stolen password alone must not be enough.

Both let through what a person needs to comply or to leave: the target pages, signing
out, re-authentication, static and media files and the JSON API (a JSON client cannot
follow an HTML page; the API has no moderation operations). A POST elsewhere is
redirected too, before its view runs, so nothing is changed on the way.

``MFAAdapter`` keeps the rule from being undone: a person who must use two-factor sign-in
cannot remove their authenticator app.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Pages every signed-in person may open whatever they still have to do.
ALWAYS_ALLOWED = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_email_verification_sent",
        "account_confirm_email",
        "set_language",
        "mfa_reauthenticate",
    }
)
MFA_VIEWS_PREFIX = "mfa_"
CONDUCT_NAMESPACE = "conduct"


def _is_exempt_path(path: str) -> bool:
    prefixes = (
        "/api/",
        f"/{settings.STATIC_URL.lstrip('/')}",
        f"/{settings.MEDIA_URL.lstrip('/')}",
    )
    return path.startswith(prefixes)


def _view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else ""


def _always_allowed(request: HttpRequest) -> bool:
    """Pages both rules let through: files, the API, and what a person needs to comply or
    to leave (the code of conduct, two-factor set-up, signing out)."""
    if _is_exempt_path(request.path):
        return True
    match = request.resolver_match
    if match is not None and CONDUCT_NAMESPACE in match.namespaces:
        return True
    view_name = _view_name(request)
    return view_name in ALWAYS_ALLOWED or view_name.startswith(MFA_VIEWS_PREFIX)


def _redirect(request: HttpRequest, to: str, *, keep_next: bool) -> HttpResponseRedirect:
    """Redirect to ``to`` (with ``?next=`` back to a GET page when the target honours it);
    an htmx request is told to load it as a whole page."""
    if keep_next and request.method == "GET":
        to = f"{to}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        response = HttpResponseRedirect(to)
        response["HX-Redirect"] = to
        return response
    return HttpResponseRedirect(to)


def _session_user(request: HttpRequest):
    """The signed-in user, or None. A visitor without a session cookie is skipped before
    ``request.user`` is read: reading it loads the session, which adds ``Vary: Cookie`` to
    every anonymous page (feeds and caches rely on there being none)."""
    if not request.session.session_key:
        return None
    user = request.user
    return user if user.is_authenticated else None


def needs_code_of_conduct(user) -> bool:
    return user is not None and user.code_of_conduct_accepted_at is None


def needs_two_factor_setup(user) -> bool:
    """A moderator or staff member without a TOTP authenticator (one query, only for them)."""
    if user is None or not user.can_moderate_platform:
        return False
    return not get_mfa_adapter().is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


class CodeOfConductMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if _always_allowed(request) or not needs_code_of_conduct(_session_user(request)):
            return None
        return _redirect(request, reverse("conduct:accept"), keep_next=True)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if _always_allowed(request) or not needs_two_factor_setup(_session_user(request)):
            return None
        messages.warning(
            request,
            _(
                "Moderators and staff must sign in with two factors. Set up an authenticator "
                "app to continue; you will also get recovery codes for when you lose your "
                "phone."
            ),
            fail_silently=True,
        )
        return _redirect(request, reverse("mfa_activate_totp"), keep_next=False)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Moderators and staff keep their authenticator app (the rule above)."""
        if (
            authenticator.type == Authenticator.Type.TOTP
            and authenticator.user.can_moderate_platform
        ):
            return False
        return super().can_delete_authenticator(authenticator)
