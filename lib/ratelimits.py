"""Rate limits on posting and reporting, and the API's throttle, answering 429.

Three limiters share the rates in ``settings.RATE_LIMITS`` (read per request, so tests can
override them) and one notion of who is asking: the signed-in person, or the client's IP
address when nobody is signed in (allauth's ``get_client_ip``, so that
``ALLAUTH_TRUSTED_PROXY_COUNT`` is the one setting for a reverse proxy).

- Sign-in and sign-up: allauth's own ``ACCOUNT_RATE_LIMITS`` (settings), answered with
  ``templates/429.html``.
- Posting and reporting: ``RateLimitMiddleware`` below, with django-ratelimit's counters.
  The views stay untouched: ``LIMITED_VIEWS`` names them, and all views of one group share
  one budget (a person who posts experiences and comments uses one "posting" allowance).
- The JSON API: ``ApiThrottle``, ninja's throttling, answered in the API's error shape.

The counters live in the default cache. With a cache shared by all processes (the
database cache in production) a limit holds across workers; django-ratelimit's increment
is read-then-write there, so a burst of simultaneous requests may pass a few over the
limit. The limits are a brake on floods and scripts, not an exact quota.
"""

from __future__ import annotations

import math
import threading
import time

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from ninja.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}

# Views whose POST creates a contribution or a report: URL name -> rate group.
LIMITED_VIEWS = {
    "experiences:create": "posting",
    "comments:create": "posting",
    "questions:create": "posting",
    "questions:answer_create": "posting",
    "journal:create": "posting",
    "reports:report": "reporting",
}

MESSAGES = {
    "posting": _(
        "You have posted a lot in a short time. To keep Samenspel free of spam, new "
        "contributions are paused for a while."
    ),
    "reporting": _(
        "You have sent many reports in a short time. The moderators have received them; "
        "please wait a while before reporting more."
    ),
}


def client_ip(request: HttpRequest) -> str:
    """The client's address; requests without one (no REMOTE_ADDR, as from some WSGI
    callers) share a single bucket rather than being refused."""
    try:
        return get_account_adapter().get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def requester_key(group: str, request: HttpRequest) -> str:
    """Whom a limit counts: ``user:<pk>`` when signed in, else ``ip:<address>``."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def rate_for(group: str) -> str:
    return settings.RATE_LIMITS[group]


def too_many_requests(
    request: HttpRequest, *, message: str = "", retry_after: int | None = None
) -> HttpResponse:
    """The 429 page for people (allauth renders the same template for sign-in and sign-up)."""
    minutes = math.ceil(retry_after / 60) if retry_after else None
    response = render(
        request, "429.html", {"message": message, "retry_minutes": minutes}, status=429
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Counts each POST to a view in ``LIMITED_VIEWS`` and answers 429 over the limit.

    Only POSTs count: reading the form is free. A refused request never reaches the view,
    so nothing is created and no counter of the view itself moves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        group = LIMITED_VIEWS.get(request.resolver_match.view_name)
        if group is None:
            return None
        usage = get_usage(
            request,
            group=f"samenspel.{group}",
            key=requester_key,
            rate=rate_for(group),
            method=["POST"],
            increment=True,
        )
        if usage is None or not usage["should_limit"]:
            return None
        retry_after = max(usage["time_left"], 1) if usage["time_left"] >= 0 else None
        return too_many_requests(request, message=MESSAGES[group], retry_after=retry_after)


class ApiThrottle(BaseThrottle):
    """The API's sliding-window throttle (the algorithm of ninja's ``SimpleRateThrottle``):
    ``api_user`` for a token or session caller, counted per account so that all of a
    person's tokens share it; ``api_anonymous`` per IP address. Rates are read for every
    request, so a settings change (or a test's ``override_settings``) applies at once.

    ninja keeps one throttle object for all requests and asks ``wait()`` right after
    ``allow_request()``; the answer is kept per thread so concurrent requests never mix.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        user = _signed_in_caller(request)
        scope = "api_user" if user else "api_anonymous"
        ident = f"user:{user.pk}" if user else f"ip:{client_ip(request)}"
        key = f"throttle_{scope}_{ident}"
        count, duration = parse_rate(rate_for(scope))
        now = time.time()
        history = [moment for moment in cache.get(key, []) if moment > now - duration]
        if len(history) >= count:
            self._local.wait = history[-1] + duration - now
            return False
        self._local.wait = None
        cache.set(key, [now, *history], duration)
        return True

    def wait(self) -> float | None:
        """Seconds until the oldest counted request leaves the window."""
        return getattr(self._local, "wait", None)


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/m"`` -> ``(30, 60)``; ``"5/10m"`` -> ``(5, 600)`` (validated in settings)."""
    count, _slash, period = rate.partition("/")
    return int(count), int(period[:-1] or 1) * PERIODS[period[-1]]


def _signed_in_caller(request: HttpRequest):
    """The API caller's account (``request.auth``), or None for an anonymous read."""
    user = getattr(request, "auth", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None
