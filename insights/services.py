"""Writes of provider insights: counting the views of an instrument's page.

Counting must not slow the page and must not count bots. A counted view is ONE
statement, an UPSERT (``INSERT ... ON CONFLICT ... DO UPDATE SET views = views + 1``,
the same SQL on SQLite >= 3.24 and PostgreSQL), so there is no read-then-write race and
no second round trip on the first view of a day. Requests that are not a person reading
the page cost no query at all: the cheap checks (setting, method, prefetch headers, the
viewer's role) run first and the user-agent match last; ``bench/view_counting.py``
measures both.

Not counted, and why:
- HEAD requests and browser prefetch/prerender (``Sec-Purpose``, ``Purpose``,
  ``X-Moz``, ``X-Purpose`` headers): nobody has read the page (yet);
- an empty user agent and anything ``crawlerdetect`` knows as a bot (search engines, link
  previews, ``curl``, ``python-requests``, headless browsers);
- the instrument's own provider and staff: they would inflate the numbers they read.
"""

from __future__ import annotations

import logging

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instruments.models import Instrument

logger = logging.getLogger(__name__)

# Prefetch and prerender announce themselves in one of these headers (as ``request.META``
# keys); a value containing "prefetch", "prerender" or "preview" means nobody looks yet.
PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")
PREFETCH_WORDS = ("prefetch", "prerender", "preview")

# The one statement a counted view costs (the table is named in ``InstrumentViewDay.Meta``).
UPSERT_SQL = (
    "INSERT INTO insights_instrumentviewday (instrument_id, day, views) VALUES (%s, %s, 1) "
    "ON CONFLICT (instrument_id, day) DO UPDATE SET views = insights_instrumentviewday.views + 1"
)

# One detector per process: its compiled patterns and its LRU cache of user agents
# (1024 entries) are shared by every request, so a returning browser costs a dict lookup.
_detector: CrawlerDetect | None = None


def _crawler_detector() -> CrawlerDetect:
    global _detector
    if _detector is None:
        _detector = CrawlerDetect()
    return _detector


def is_bot_user_agent(user_agent: str) -> bool:
    """True for an empty user agent and for every agent ``crawlerdetect`` lists as a bot."""
    user_agent = user_agent.strip()
    return not user_agent or _crawler_detector().is_crawler(user_agent)


def _is_prefetch(request: HttpRequest) -> bool:
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if value and any(word in value for word in PREFETCH_WORDS):
            return True
    return False


def is_countable_view(request: HttpRequest, instrument: Instrument) -> bool:
    """Whether this request is a person reading ``instrument``'s page (no query needed)."""
    if not getattr(settings, "INSIGHTS_COUNT_VIEWS", True):
        return False
    if request.method != "GET" or _is_prefetch(request):
        return False
    user = request.user
    if user.is_authenticated and (user.is_staff or instrument.owner_id == user.pk):
        return False
    return not is_bot_user_agent(request.META.get("HTTP_USER_AGENT", ""))


def do_instrument_view_record(*, instrument: Instrument, day=None) -> None:
    """Add one view of ``instrument`` on ``day`` (today, local time): one UPSERT statement.

    A failed write (a locked SQLite file under load, a lost connection) is logged and
    swallowed: a missing count must never cost a visitor the page.
    """
    day = day or timezone.localdate()
    try:
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL, [instrument.pk, connection.ops.adapt_datefield_value(day)])
    except DatabaseError:
        logger.warning("Could not count a view of instrument %s", instrument.pk, exc_info=True)


def instrument_view_record(*, request: HttpRequest, instrument: Instrument) -> bool:
    """Count this request as a view of ``instrument`` when a person reads it.

    Returns whether it was counted. Called by the instrument page; costs one statement
    when counted and none otherwise.
    """
    if not is_countable_view(request, instrument):
        return False
    do_instrument_view_record(instrument=instrument)
    return True


# ------------------------------------------------------------------------- permissions

MESSAGE_NOT_INSTRUMENT_PROVIDER = _(
    "Only the provider of this instrument and the site's staff can see its insights."
)
MESSAGE_NOT_THIS_PROVIDER = _("Only this provider and the site's staff can see these insights.")


def check_instrument_insights_permission(user, instrument: Instrument) -> None:
    """The instrument's provider and staff may read its insights; the caller made sure
    ``user`` can see the instrument at all (else 404)."""
    if not (user.is_authenticated and (user.is_staff or instrument.owner_id == user.pk)):
        raise PermissionDenied(MESSAGE_NOT_INSTRUMENT_PROVIDER)


def check_provider_insights_permission(user, provider_id: int) -> None:
    """A provider may read their own overview, staff anyone's. Checked before the
    provider is looked up, so the answer says nothing about which accounts exist."""
    if not (user.is_authenticated and (user.is_staff or user.pk == provider_id)):
        raise PermissionDenied(MESSAGE_NOT_THIS_PROVIDER)
