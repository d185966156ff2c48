"""Scans, rounds and answers made through the services the site uses.

- ``make_scan(owner, items=ITEMS, instrument=None, title=..., instructions=...)`` -> Scan on
  ``instrument`` (a new one owned by ``owner`` when none is given); ``items`` is the line
  format providers type (``definitions.parse_items``) or a list of ``ItemSpec``.
- ``start_round(facilitator, community, scan, title=..., days=7, min_responses=None)``
  -> Round, open until ``days`` from today.
- ``answer(user, round_, values, texts=None)`` -> Response; ``values`` is a list in the
  order of the round's scored items, or a dict by item key.
- ``end_round(round_)`` lets the date pass (``closes_at`` a minute ago), as time would.
- ``add_members(community, n, role="member")`` -> that many new users in the community.
- ``answered_round(facilitator, community, scan, rows, texts=(), close=True)`` -> a round
  answered by one new member per row of values (and open text), ended unless ``close`` is
  False.

Notifications of a new round are queued after the commit, which a test transaction never
reaches; these helpers therefore notify nobody.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.tests.factories import UserFactory
from communities.models import MemberRole
from communities.tests.factories import add_member
from instruments.tests.factories import InstrumentFactory
from scans import services
from scans.definitions import parse_items
from scans.models import Response, Round, Scan

# One item of every scale: agreement, slider, yes/no and an open question.
ITEMS = """\
[eens] We delen een doel dat we samen beter bereiken.
[schuif Intern | Extern] Waar ligt de nadruk van onze samenwerking?
[ja/nee] Hebben we resultaten buiten de community gedeeld?
[open] Wat moet er eerst gebeuren?
"""

AGREE_KEY = "we-delen-een-doel-dat-we-samen-beter-bereiken"
SLIDER_KEY = "waar-ligt-de-nadruk-van-onze-samenwerking"
YES_NO_KEY = "hebben-we-resultaten-buiten-de-community-gedeeld"
OPEN_KEY = "wat-moet-er-eerst-gebeuren"

_numbers = itertools.count(1)


def make_scan(
    owner,
    items=ITEMS,
    *,
    instrument=None,
    title: str = "Samenwerkingsscan",
    instructions: str = "Vul in wat voor jou geldt.",
) -> Scan:
    instrument = instrument or InstrumentFactory(owner=owner)
    specs = parse_items(items) if isinstance(items, str) else items
    return services.scan_create(
        user=owner, instrument=instrument, title=title, instructions=instructions, items=specs
    )


def start_round(
    facilitator,
    community,
    scan: Scan,
    *,
    title: str = "",
    days: int = 7,
    min_responses: int | None = None,
    started_at: datetime.datetime | None = None,
) -> Round:
    return services.round_start(
        user=facilitator,
        community=community,
        scan=scan,
        title=title or f"Ronde {next(_numbers)}",
        closes_on=timezone.localdate() + datetime.timedelta(days=days),
        min_responses=min_responses,
        started_at=started_at,
    )


def scored_keys(round_: Round) -> list[str]:
    return [item.key for item in round_.version.items.all() if not item.is_open]


def answer(user, round_: Round, values, texts: dict | None = None) -> Response:
    if not isinstance(values, dict):
        values = dict(zip(scored_keys(round_), values, strict=True))
    return services.response_save(user=user, round_=round_, values=values, texts=texts or {})


def end_round(round_: Round) -> Round:
    """The round's date passes: it closes without anybody closing it."""
    Round.objects.filter(pk=round_.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    round_.refresh_from_db()
    return round_


def add_members(community, n: int, role: str = MemberRole.MEMBER, **fields) -> list:
    users = [UserFactory(**fields) for _n in range(n)]
    for user in users:
        add_member(community, user, role)
    return users


def answered_round(
    facilitator,
    community,
    scan: Scan,
    rows: list,
    texts: list[str] | tuple = (),
    *,
    close: bool = True,
    **round_fields,
) -> Round:
    round_ = start_round(facilitator, community, scan, **round_fields)
    open_keys = [item.key for item in round_.version.items.all() if item.is_open]
    for n, (user, values) in enumerate(zip(add_members(community, len(rows)), rows, strict=True)):
        text = texts[n] if n < len(texts) else ""
        answer(user, round_, values, {key: text for key in open_keys[:1]})
    return end_round(round_) if close else round_
