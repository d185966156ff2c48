"""Writes of the feeds app: the personal feed token and saved searches.

Each write checks its own permission: only a signed-in person manages their own token
and saved searches. Services return the plain token to the caller, who shows it once;
it is never stored.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from feeds.models import DISPLAY_PREFIX_CHARS, FeedToken, SavedSearch, new_token
from lib.secret_tokens import hash_token

MAX_SAVED_SEARCHES = 50

MESSAGE_SIGN_IN = gettext_noop("Sign in to manage your feeds.")
MESSAGE_NOT_OWNER = gettext_noop("Only the person who saved this search can remove it.")
MESSAGE_NO_QUERY = gettext_noop("There is nothing to save: search for something first.")
MESSAGE_TOO_MANY = gettext_noop(
    "You have saved %(count)s searches, the most allowed. Remove one you no longer follow first."
)


def _check_signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))


@transaction.atomic
def feed_token_rotate(*, user) -> tuple[FeedToken, str]:
    """Give ``user`` a new personal feed token, replacing any old one, and return it with
    its plain text (to be shown once). Creating the first token is the same operation:
    there is at most one token per person, so every URL with the old token stops working.
    """
    _check_signed_in(user)
    plain = new_token()
    token = FeedToken.objects.select_for_update().filter(user=user).first() or FeedToken(user=user)
    token.token_hash = hash_token(plain)
    token.prefix = plain[:DISPLAY_PREFIX_CHARS]
    token.created_at = timezone.now()
    token.full_clean()
    if token.pk:
        token.save(update_fields=["token_hash", "prefix", "created_at"])
    else:
        token.save()
    return token, plain


@transaction.atomic
def feed_token_revoke(*, user) -> bool:
    """Remove ``user``'s feed token; every feed URL with it answers 404 from now on.

    Returns whether there was a token (revoking twice changes nothing).
    """
    _check_signed_in(user)
    deleted, _details = FeedToken.objects.filter(user=user).delete()
    return bool(deleted)


def check_saved_search_create_permission(user) -> None:
    _check_signed_in(user)
    count = SavedSearch.objects.filter(user=user).count()
    if count >= MAX_SAVED_SEARCHES:
        raise ValidationError(_(MESSAGE_TOO_MANY) % {"count": count})


@transaction.atomic
def saved_search_create(*, user, name: str, query_string: str) -> SavedSearch:
    """Save a search (``query_string`` as the search page writes it) under ``name``.

    Saving the same search again renames it instead of making a second copy.
    """
    _check_signed_in(user)
    if not query_string:
        raise ValidationError(_(MESSAGE_NO_QUERY))
    existing = SavedSearch.objects.filter(user=user, query_string=query_string).first()
    if existing is not None:
        existing.name = name
        existing.full_clean()
        existing.save(update_fields=["name"])
        return existing
    check_saved_search_create_permission(user)
    saved = SavedSearch(user=user, name=name, query_string=query_string)
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_search_delete(*, user, saved_search: SavedSearch) -> None:
    _check_signed_in(user)
    if saved_search.user_id != user.pk:
        raise PermissionDenied(_(MESSAGE_NOT_OWNER))
    saved_search.delete()
