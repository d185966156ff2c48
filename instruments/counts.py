"""Cached counts of the instrument library: the home page's phase counts and the list
page's facet counts, result count and page of results.

Why: counting facets, and sorting and counting the filtered list, reads every matching
instrument, so those pages grew with the library (118 ms home, 662 ms list at 100,000
instruments). The counts change only when the catalogue does, so they are computed once
per catalogue version and kept in the shared cache (``CACHES["default"]``).

Correctness rests on two things:

- **Visibility.** Counts are shared only between readers who see exactly the same
  instruments (``Instrument.objects.visible_to``): everyone who sees the public catalogue
  (anonymous visitors, and signed-in people without unpublished instruments of their own),
  and staff. Anyone else (a provider with drafts) is counted live, so nobody's counts ever
  include what they may not see, nor miss their own drafts.
- **Invalidation.** The version is a random token in a database row
  (``CatalogueVersion``), replaced by the writer inside the same transaction as the
  change (``bump_catalogue_version``, from the save and delete signals of the models the
  counts read, see ``connect_signals``). A reader therefore sees the new token exactly
  when it sees the new data; a rolled-back write rolls the token back too; and a token is
  never reused, so an entry stored under an old one can never be read again. Writes that
  bypass signals (``bulk_create``, ``update``) must call ``bump_catalogue_version``
  themselves. Entries also expire (``INSTRUMENT_COUNTS_CACHE_SECONDS``, one hour) as a
  safety net.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.db import DatabaseError

from instruments.constants import Status

VERSION_ID = 1
PUBLIC = "public"
DEFAULT_TIMEOUT = 3600


def timeout() -> int:
    """Seconds a cached count lives (0 turns the cache off: everything is counted live)."""
    return int(getattr(settings, "INSTRUMENT_COUNTS_CACHE_SECONDS", DEFAULT_TIMEOUT))


def bump_catalogue_version(**_signal_kwargs) -> None:
    """Give the catalogue a new version token in the current transaction (a signal receiver)."""
    from instruments.models import CatalogueVersion

    token = uuid.uuid4().hex
    if not CatalogueVersion.objects.filter(pk=VERSION_ID).update(token=token):
        CatalogueVersion.objects.update_or_create(pk=VERSION_ID, defaults={"token": token})


def connect_signals() -> None:
    """The models whose rows the cached counts read bump the version when written.

    Link rows (phases, sectors, audiences) are written only together with their
    instrument (``services._apply_links``, in the transaction that saves it) and deleted
    with it or with their sector or audience, so the instrument's, sector's or audience's
    own signal covers them; their ``post_save`` is connected as well for any other writer.
    No ``post_delete`` receiver on the link tables: it would turn Django's fast bulk
    delete of links into a select and one signal per row.
    """
    from django.db.models.signals import post_delete, post_save

    from instruments.models import (
        Audience,
        Instrument,
        InstrumentAudience,
        InstrumentPhase,
        InstrumentSector,
        Sector,
    )

    for model in (Instrument, Sector, Audience):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_catalogue_version, sender=model, dispatch_uid=f"counts-{model.__name__}"
            )
    for model in (InstrumentPhase, InstrumentSector, InstrumentAudience):
        post_save.connect(
            bump_catalogue_version, sender=model, dispatch_uid=f"counts-{model.__name__}"
        )


def shared_audience(user) -> str | None:
    """Which shared set of counts ``user`` may read: ``"public"``, ``"staff"`` or ``None``
    (counted live). Mirrors ``InstrumentQuerySet.visible_to``: a signed-in non-staff
    person sees the public catalogue plus their own instruments, which is the public
    catalogue unless they own an unpublished one (one indexed query)."""
    from instruments.models import Instrument

    if user is None or not user.is_authenticated:
        return PUBLIC
    if user.is_staff:
        return "staff"
    # ``all_objects``: one lookup by owner. Through the moderated manager SQLite's sampled
    # statistics made it walk the moderation_state index (40 ms at 100k items, on every
    # signed-in page). Counting a hidden draft in only means this person is counted live.
    owns_unpublished = (
        Instrument.all_objects.filter(owner=user).exclude(status=Status.PUBLISHED).exists()
    )
    return None if owns_unpublished else PUBLIC


def catalogue_key(user) -> str | None:
    """The cache key prefix for ``user``'s counts now, or ``None`` to count live."""
    from instruments.models import CatalogueVersion

    if timeout() <= 0:
        return None
    audience = shared_audience(user)
    if audience is None:
        return None
    try:
        token = (
            CatalogueVersion.objects.filter(pk=VERSION_ID).values_list("token", flat=True).first()
        )
    except DatabaseError:  # the table is not there yet (a migration in progress)
        return None
    if not token:  # the row was removed (a flushed test database): count live
        return None
    return f"instruments:{audience}:{token}"


def audience_of(prefix: str) -> str:
    """The audience (``shared_audience``) a ``catalogue_key`` prefix was made for."""
    return prefix.split(":")[1]


def key_for(prefix: str, name: str, *parts) -> str:
    """A short, safe cache key for ``parts`` (filters may hold any text a visitor typed)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]
    return f"{prefix}:{name}:{digest}"
