"""Gives the profile page's API token section its data without touching accounts' views."""

from __future__ import annotations

from django import template

from api.forms import ApiTokenForm
from api.selectors import tokens_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def api_tokens(context) -> list:
    """``{% api_tokens as tokens %}``: the signed-in person's tokens (one query)."""
    return list(tokens_for_user(context["request"].user))


@register.simple_tag
def api_token_form() -> ApiTokenForm:
    """``{% api_token_form as form %}``: an empty form to create a token."""
    return ApiTokenForm(auto_id="api-token-%s")
