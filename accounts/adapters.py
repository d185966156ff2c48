"""How a sign-in with LinkedIn or SURFconext (allauth's ``openid_connect`` provider) becomes a
Samenspel account.

allauth does the protocol; this adapter only maps the provider's claims onto our profile:
``name`` (or ``given_name`` + ``family_name``) becomes the display name and an organisation
claim (``organization``, ``org`` or SURFconext's ``schac_home_organization``) becomes the
person's organisation. The profile is filled once, at sign-up: later sign-ins never overwrite
what the person has edited since.

Linking is deliberately left to allauth's safe default (settings: ``SOCIALACCOUNT_EMAIL_
AUTHENTICATION = False``): a provider's word that someone owns an e-mail address that already
has an account is not enough to sign in to that account. allauth then mails the address
("an account already exists") and the person connects the provider after signing in with
their password, on the connections page.
"""

from __future__ import annotations

import logging

import requests
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthError

from accounts import services
from accounts.models import User

logger = logging.getLogger(__name__)

ORGANISATION_CLAIMS = ("organization", "org", "schac_home_organization")
NAME_MAX_LENGTH = User._meta.get_field("name").max_length


def identity_claims(sociallogin: SocialLogin) -> dict:
    """The claims about the person: the ID token's, overridden by the userinfo response."""
    extra = sociallogin.account.extra_data or {}
    claims = dict(extra.get("id_token") or {})
    claims.update(extra.get("userinfo") or {})
    return claims


def name_from_claims(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("first_name"), claims.get("last_name")) if part
    )
    if not name:
        name = " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
    return str(name).strip()[:NAME_MAX_LENGTH]


def organisation_from_claims(claims: dict) -> str:
    """The first organisation claim that is a non-empty string (some providers send objects)."""
    for key in ORGANISATION_CLAIMS:
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def failure_reason(*, error: str | None, exception: BaseException | None, context: dict) -> str:
    """Why a sign-in failed, in words the error page can explain (see
    ``templates/socialaccount/authentication_error.html``)."""
    if isinstance(exception, requests.RequestException):
        return "unreachable"
    if error == AuthError.CANCELLED:
        return "cancelled"
    if "callback_view" in context and context.get("state") is None:
        # No sign-in was started in this browser with that state: tampered, replayed or expired.
        return "state"
    return "failed"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.name = name_from_claims(data) or name_from_claims(identity_claims(sociallogin))
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        organisation = organisation_from_claims(identity_claims(sociallogin))
        if organisation:
            services.profile_fill_from_provider(user=user, organisation=organisation)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Log the failure for operators and tell the error page which explanation to show.

        allauth passes ``extra_context`` on to the template, so the reason is added to it.
        """
        context = extra_context if extra_context is not None else {}
        reason = failure_reason(error=error, exception=exception, context=context)
        context["failure_reason"] = reason
        logger.warning(
            "Sign-in with %s failed: %s (%s)",
            getattr(provider, "sub_id", provider),
            reason,
            exception.__class__.__name__ if exception else error,
        )
