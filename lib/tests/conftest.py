"""Fixtures for the rate-limit tests."""

from __future__ import annotations

import time
from types import SimpleNamespace

import django_ratelimit.core
import pytest


@pytest.fixture
def still_rate_window(monkeypatch):
    """Stops django-ratelimit's clock for the test.

    Its counters live in fixed windows (aligned per key), so a test that posts three times
    could straddle a window's end and see its count start again at zero: a rare, random
    failure. With the clock held at one moment every request of the test counts in one window.
    """
    moment = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: moment))
