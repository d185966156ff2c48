"""Writes to experiences. Every write checks permission itself; the views only turn
the errors into pages.

- Anyone signed in may record an experience with an instrument they can see.
- An experience in a community needs the author to be a facilitator or member of it
  (observers read along; outsiders cannot put content into someone else's community).
- Only the author edits or deletes an experience.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import Community
from communities.selectors import check_member
from experiences.models import Experience
from instruments.models import Instrument
from moderation.services import check_can_contribute, hold_for_review, initial_state
from notifications.services import notify_new_experience

# The fields a person fills in; the instrument and the author are set by the service.
EDITABLE_FIELDS = (
    "community", "sector", "level", "phase", "group_size",
    "with_business", "with_education", "with_government", "with_citizens",
    "what_was_done", "what_worked", "what_did_not", "adaptation",
    "rating", "would_recommend",
)  # fmt: skip

MESSAGE_SIGN_IN = gettext_noop("Sign in to share an experience.")
MESSAGE_INSTRUMENT_HIDDEN = gettext_noop("This instrument cannot be found.")
MESSAGE_NOT_AUTHOR = gettext_noop("Only the author of this experience can change it.")


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown experience fields: {', '.join(sorted(unknown))}")


def check_experience_create_permission(
    user, *, instrument: Instrument, community: Community | None
) -> None:
    """Signed in, the instrument visible to ``user``, and a member of ``community`` if any."""
    if not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))
    check_can_contribute(user)
    if not Instrument.objects.visible_to(user).filter(pk=instrument.pk).exists():
        raise PermissionDenied(_(MESSAGE_INSTRUMENT_HIDDEN))
    if community is not None:
        check_member(user, community)


def check_experience_edit_permission(user, experience: Experience) -> None:
    if not (user.is_authenticated and experience.author_id == user.pk):
        raise PermissionDenied(_(MESSAGE_NOT_AUTHOR))


@transaction.atomic
def experience_create(
    *, author, instrument: Instrument, community: Community | None = None, **fields: Any
) -> Experience:
    """Record ``author``'s experience with ``instrument`` and notify the followers.

    ``fields`` are the other ``EDITABLE_FIELDS``; ``what_was_done`` and ``rating`` are required.
    A new account's experience is held for review: the followers hear of it when a
    moderator approves it (the registry's ``on_release``), not now.
    """
    _check_fields(fields)
    check_experience_create_permission(author, instrument=instrument, community=community)
    experience = Experience(author=author, instrument=instrument, community=community, **fields)
    experience.moderation_state = initial_state(author)
    experience.full_clean()
    experience.save()
    if experience.is_pending:
        hold_for_review(experience)
    else:
        notify_new_experience(experience)
    return experience


@transaction.atomic
def experience_update(*, user, experience: Experience, **fields: Any) -> Experience:
    """Change ``experience`` (its author only).

    Moving it into another community needs membership of that community; keeping the
    community it is in does not (an author who has left can still correct the text).
    """
    _check_fields(fields)
    check_experience_edit_permission(user, experience)
    community = fields.get("community", experience.community)
    if community is not None and getattr(community, "pk", None) != experience.community_id:
        check_member(user, community)
    changed = [name for name, value in fields.items() if getattr(experience, name) != value]
    for name in changed:
        setattr(experience, name, fields[name])
    experience.full_clean()
    if changed:
        experience.save(update_fields=[*changed, "updated_at"])
    return experience


@transaction.atomic
def experience_delete(*, user, experience: Experience) -> None:
    """Delete ``experience`` (its author only); its comments go with it."""
    check_experience_edit_permission(user, experience)
    experience.delete()
