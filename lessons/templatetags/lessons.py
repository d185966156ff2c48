"""Template tags that put lessons on other apps' pages without changing their views.

``{% lesson_source_status experience %}`` / ``{% lesson_source_status entry %}``: on a
source page, for facilitators of its members-only or confidential community only, the
"publish anonymised" link or the lesson it became. Costs nothing for anyone else (no
query for anonymous visitors or public communities) and at most two queries for a
facilitator (their role, unless the community carries ``viewer_role``; the lesson).

``{% instrument_lessons instrument %}``: the public lessons that used an instrument
(one query).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from communities.models import MemberRole, Visibility
from communities.visibility import member_role
from experiences.models import Experience
from lessons.models import SourceKind
from lessons.selectors import lesson_for_source, lessons_for_instrument
from moderation.constants import ModerationState

register = template.Library()

_NO_ROLE = object()


@register.inclusion_tag("lessons/_source_status.html", takes_context=True)
def lesson_source_status(context, source) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    community = source.community
    if (
        user is None
        or not user.is_authenticated
        or community is None
        or community.visibility == Visibility.PUBLIC
        or source.moderation_state != ModerationState.VISIBLE
    ):
        return {}
    role = getattr(community, "viewer_role", _NO_ROLE)
    if role is _NO_ROLE:
        role = member_role(user, community)
    if role != MemberRole.FACILITATOR:
        return {}
    kind = SourceKind.EXPERIENCE if isinstance(source, Experience) else SourceKind.JOURNAL_ENTRY
    lesson = lesson_for_source(source_kind=kind, source_id=source.pk)
    publish_url = reverse("lessons:publish", kwargs={"source_kind": kind, "source_id": source.pk})
    return {"lesson": lesson, "publish_url": publish_url}


@register.inclusion_tag("lessons/_instrument_lessons.html")
def instrument_lessons(instrument) -> dict:
    return {"lessons": lessons_for_instrument(instrument=instrument)}
