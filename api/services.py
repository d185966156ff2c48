"""Writes to personal API tokens. Every write checks permission itself.

- Anyone signed in creates tokens for themself (at most ``MAX_ACTIVE_TOKENS`` at a time).
- Only the owner revokes a token; revoking is final and revoking twice changes nothing.
- A token's use is recorded at most once per ``LAST_USED_RESOLUTION`` so reading the
  API does not turn every request into a write.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from api.models import DISPLAY_PREFIX_CHARS, ApiToken, new_token
from lib.secret_tokens import hash_token

MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

MESSAGE_SIGN_IN = gettext_noop("Sign in to manage your API tokens.")
MESSAGE_NOT_OWNER = gettext_noop("Only the owner of this token can revoke it.")
MESSAGE_TOO_MANY = gettext_noop(
    "You have %(count)s active tokens, the most allowed. Revoke one you no longer use first."
)


def check_api_token_create_permission(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(_(MESSAGE_TOO_MANY) % {"count": active})


def check_api_token_revoke_permission(user, token: ApiToken) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))
    if token.user_id != user.pk:
        raise PermissionDenied(_(MESSAGE_NOT_OWNER))


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its plain text, which the caller shows once.

    Only the hash and a short prefix (for recognising the token in a list) are stored.
    """
    check_api_token_create_permission(user)
    plain = new_token()
    token = ApiToken(
        user=user,
        name=name.strip(),
        token_hash=hash_token(plain),
        prefix=plain[:DISPLAY_PREFIX_CHARS],
    )
    token.full_clean()
    token.save()
    return token, plain


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (its owner only). The API refuses it from the next request on."""
    check_api_token_revoke_permission(user, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_record_use(token: ApiToken, *, now: datetime.datetime | None = None) -> bool:
    """Set ``last_used_at`` unless it was set less than ``LAST_USED_RESOLUTION`` ago.

    Returns whether it wrote. A plain UPDATE of one column, so concurrent requests
    with the same token cannot overwrite each other's other fields.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return True
