"""Writes to a person's profile."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Role, User
from instruments.services import organisation_get_or_create


@transaction.atomic
def profile_update(*, user: User, name: str, organisation: str, roles: list[str]) -> User:
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
    return user
