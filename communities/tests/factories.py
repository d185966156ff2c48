"""Communities made through the same services the site uses.

Other apps' tests import these; keep the signatures stable:

- ``make_community(*, facilitator, visibility="public", **fields)`` -> Community, created
  by ``community_create`` so ``facilitator`` is its first facilitator.
- ``add_member(community, user, role)`` -> Membership, added by a facilitator through
  ``membership_add`` (role: "facilitator", "member" or "observer").
- ``CommunityFactory(facilitator=user, visibility=..., **fields)`` does the same as
  ``make_community`` (a facilitator is made when none is given).
"""

from __future__ import annotations

import itertools

import factory

from accounts.tests.factories import UserFactory
from communities.models import Community, MemberRole, Membership
from communities.services import community_create, membership_add

_numbers = itertools.count(1)


def make_community(*, facilitator, visibility: str = "public", **fields) -> Community:
    """A community created by ``facilitator`` with ``visibility`` and any editable fields."""
    n = next(_numbers)
    fields.setdefault("name", f"Community {n}")
    fields.setdefault("challenge", f"Een gezamenlijke opgave nummer {n}.")
    return community_create(user=facilitator, visibility=visibility, **fields)


def add_member(community: Community, user, role: str = MemberRole.MEMBER) -> Membership:
    """Add ``user`` to ``community`` with ``role``, done by one of its facilitators."""
    facilitator = (
        Membership.objects.filter(community=community, role=MemberRole.FACILITATOR)
        .select_related("user")
        .first()
    )
    if facilitator is None:
        # A community from the library has no members: its first one becomes facilitator.
        return Membership.objects.create(
            community=community, user=user, role=MemberRole.FACILITATOR
        )
    return membership_add(user=facilitator.user, community=community, member=user, role=role)


class CommunityFactory(factory.Factory):
    """``CommunityFactory(facilitator=user, visibility="members", name=...)``."""

    class Meta:
        model = dict

    visibility = "public"

    @classmethod
    def _create(cls, model_class, *args, facilitator=None, **kwargs):
        if facilitator is None:
            facilitator = UserFactory()
        return make_community(facilitator=facilitator, **kwargs)

    _build = _create
