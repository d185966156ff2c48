"""``{% two_factor_enabled as has_totp %}`` for the security section of the profile page."""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def two_factor_enabled(context) -> bool:
    user = context["request"].user
    return get_adapter().is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
