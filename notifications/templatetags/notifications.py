"""``{% follow_button obj %}``: the follow/unfollow toggle for any page.

Usage, on the page of an instrument, a community or a question::

    {% load notifications %}
    {% follow_button instrument %}

It renders ``notifications/_follow_button.html``: for someone signed in a small form
that POSTs to ``notifications:follow`` (htmx swaps the button in place; without
JavaScript the form posts and redirects back), for anonymous visitors a link to log in,
and nothing at all for someone who may not follow ``obj`` (a members-only community seen
from outside).
Whether the viewer follows ``obj`` costs one query; a page that already knows it (a
list) passes ``following=True/False`` to skip it. The button is only meant for pages of
objects the viewer may see; the view refuses (404) anything else anyway.
"""

from __future__ import annotations

from django import template

from notifications.selectors import can_follow, is_following, target_id, target_type

register = template.Library()


def follow_context(*, request, target, following: bool, next_url: str = "") -> dict:
    """The context of ``_follow_button.html`` (also used by the follow view for htmx)."""
    user = getattr(request, "user", None)
    return {
        "target": target,
        "target_type": target_type(target),
        "target_id": target_id(target),
        "following": following,
        "user": user,
        "request": request,
        "next_url": next_url or (request.get_full_path() if request is not None else ""),
    }


def _may_follow(user, obj) -> bool:
    """Whether to offer the button at all. A members-only community's page is shown to
    outsiders (name and challenge) but they may not follow it: no button for them. The
    community pages set ``viewer_can_read`` (``communities.selectors``); without it, ask."""
    known = getattr(obj, "viewer_can_read", None)
    if known is not None:
        return bool(known)
    if target_type(obj) == "community":
        return can_follow(user, obj)
    return True


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, obj, following=None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not _may_follow(user, obj):
        return {"hidden": True}
    if following is None:
        following = is_following(user, obj)
    result = follow_context(request=request, target=obj, following=bool(following))
    result["csrf_token"] = context.get("csrf_token")
    return result


@register.filter
def absolute_url(obj, site_url: str = "") -> str:
    """``site_url`` + the page of ``obj``, for e-mail: ``{{ obj|absolute_url:site_url }}``."""
    return f"{site_url}{obj.get_absolute_url()}"
