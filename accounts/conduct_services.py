"""Accepting the code of conduct (``/gedragscode/``): once per account, remembered with a time."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User


@transaction.atomic
def code_of_conduct_accept(*, user: User) -> User:
    """Record that ``user`` accepted the code of conduct; a second acceptance keeps the first
    time (that is when they agreed to it)."""
    if user.code_of_conduct_accepted_at is None:
        user.code_of_conduct_accepted_at = timezone.now()
        user.save(update_fields=["code_of_conduct_accepted_at"])
    return user
