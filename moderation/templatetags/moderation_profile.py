"""The moderation summary on the profile page, in one query (a count)."""

from __future__ import annotations

from django import template

from moderation.selectors import my_decision_count

register = template.Library()


@register.simple_tag
def my_moderation_decision_count(user) -> int:
    """How many decisions moderators made about ``user``'s contributions."""
    return my_decision_count(user)
