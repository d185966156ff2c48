"""Writes to a person's profile."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Role, User
from audit.services import record_event
from instruments.services import organisation_get_or_create


@transaction.atomic
def profile_update(*, user: User, name: str, organisation: str, roles: list[str]) -> User:
    roles_before = user.roles
    user.name = name.strip()
    user.organisation = (
        organisation_get_or_create(organisation.strip()) if organisation.strip() else None
    )
    user.is_facilitator = Role.FACILITATOR in roles
    user.is_provider = Role.PROVIDER in roles
    user.is_participant = Role.PARTICIPANT in roles
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=["name", "organisation", "is_facilitator", "is_provider", "is_participant"]
    )
    if user.roles != roles_before:
        record_event(
            actor=user,
            action="account.roles_changed",
            target=user,
            before={"roles": roles_before},
            after={"roles": user.roles},
        )
    return user


@transaction.atomic
def profile_fill_from_provider(*, user: User, organisation: str) -> User:
    """Set the organisation an identity provider gave at sign-up, unless the person already has
    one: a provider's claim never overwrites what the person chose themselves."""
    if user.organisation_id is not None:
        return user
    user.organisation = organisation_get_or_create(organisation[:200])
    user.full_clean(exclude=["password"])
    user.save(update_fields=["organisation"])
    return user
