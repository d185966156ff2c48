"""Several application servers share one state (issue 7, point 3).

Two gunicorn servers on different ports, started as in production (``DEBUG=false``,
``deploy/gunicorn.conf.py``, two workers each, static files by whitenoise), use the test's
own PostgreSQL database and one shared cache: the database cache, and Redis. One httpx
client is one browser: one cookie jar, used alternately against both servers. Signing in,
the CSRF token, the posting limit, the sign-in limit and signing out must all hold across
them, as they must behind a load balancer that sends each request anywhere.

PostgreSQL only: the SQLite database of a test run is one file per process and no
deployment runs several servers on it. The rows a server must see are committed
(``transaction=True``).
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection
from django_ratelimit.core import _get_window, _make_cache_key

from accounts.tests.factories import UserFactory
from questions.models import Question
from samenspel.tests.servers import (
    REDIS_SERVER,
    collectstatic,
    database_url,
    production_env,
    start_gunicorn,
    start_redis,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: two server processes share one database "
        "(make test runs it in the PostgreSQL pass)",
    ),
    pytest.mark.django_db(transaction=True),
]

CACHE_TABLE = "samenspel_cache"
POSTING_RATE = "3/h"
LOGIN_RATE = "2/h"
PASSWORD = "correct horse battery"
LOGIN = "/en/account/login/"
LOGOUT = "/en/account/logout/"
PROFILE = "/en/account/profiel/"
NEW_QUESTION = "/en/vragen/nieuw/"


@dataclass
class SharedCache:
    """How the servers reach the cache (their environment) and the same cache seen from
    the test process, to clear it and to read the counters the servers wrote."""

    env: dict
    backend: BaseCache


@pytest.fixture(scope="module")
def server_env(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """The servers' environment, pointing at this run's test database, with the database
    cache's table created in it and the static files collected once (some seconds)."""
    with django_db_blocker.unblock():
        call_command("createcachetable", CACHE_TABLE)
        url = database_url(connection.settings_dict)
    env = production_env(
        database_url=url,
        var_dir=tmp_path_factory.mktemp("servers-var"),
        RATE_LIMIT_POSTING=POSTING_RATE,
        RATE_LIMIT_LOGIN=LOGIN_RATE,
        RATE_LIMIT_SIGNUP="3/h",
        RATE_LIMIT_REPORTING="3/h",
    )
    collectstatic(env)
    return env


@pytest.fixture(scope="module", params=["database", "redis"])
def shared_cache(request, tmp_path_factory):
    """The cache both servers use: the database cache (the default, in the test database)
    or a private redis-server of this test run's own."""
    if request.param == "database":
        yield SharedCache(
            env={
                "CACHE_BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "CACHE_LOCATION": CACHE_TABLE,
            },
            backend=DatabaseCache(CACHE_TABLE, {}),
        )
        return
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"{REDIS_SERVER} is not installed (make test installs it)")
    redis = start_redis(data_dir=tmp_path_factory.mktemp("redis"))
    location = f"redis://127.0.0.1:{redis.port}/0"
    try:
        yield SharedCache(
            env={
                "CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
                "CACHE_LOCATION": location,
            },
            backend=RedisCache(location, {}),
        )
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def servers(server_env, shared_cache, tmp_path_factory):
    """Servers A and B, started side by side (each answers /healthz before a test runs)."""
    env = {**server_env, **shared_cache.env}
    log_dir = tmp_path_factory.mktemp("server-logs")
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(start_gunicorn, env, workers=2, name=name, log_dir=log_dir)
            for name in ("server-a", "server-b")
        ]
    started = [future.result() for future in futures if future.exception() is None]
    try:
        for future in futures:
            future.result()  # raises the first start-up failure, with that server's log
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture(autouse=True)
def fresh_state(request, servers, shared_cache):
    """Each test starts with an empty shared cache (the database cache's table outlives
    the transactional flush) and prints both servers' logs when it fails."""
    shared_cache.backend.clear()
    failures_before = request.session.testsfailed
    yield
    if request.session.testsfailed > failures_before:
        for server in servers:
            print(server.describe())


def _person():
    """A trusted person who signs in with PASSWORD, whose posting-limit window does not
    end within the next minute.

    The servers use Django's default hasher, not the test settings' fast MD5, so the
    password is stored with PBKDF2. django-ratelimit counts in fixed windows whose end
    depends on the key (``user:<pk>``); a window ending mid-test would start the count
    again, so a person whose window ends soon is passed over.
    """
    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    for _attempt in range(10):
        person = UserFactory()
        person.password = encoded
        person.save(update_fields=["password"])
        if _get_window(f"user:{person.pk}", 3600) - time.time() > 60:
            return person
    raise AssertionError("no user id with a rate window that stays open for a minute")


def _csrf_token(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text[:500]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _ask(browser: httpx.Client, server, token: str, n: int) -> httpx.Response:
    return browser.post(
        server.url(NEW_QUESTION),
        data={
            "csrfmiddlewaretoken": token,
            "title": f"Wie heeft een werkvorm nummer {n}?",
            "body": "",
            "phase": "ontwerpen",
        },
    )


def _posting_counter(cache: BaseCache, person) -> int | None:
    """The posting counter of ``person`` as lib.ratelimits keeps it, read from the cache."""
    value = f"user:{person.pk}"
    key = _make_cache_key(
        "samenspel.posting", _get_window(value, 3600), POSTING_RATE, value, ["POST"]
    )
    return cache.get(key)


def test_one_browser_session_moves_between_the_servers(servers, shared_cache):
    """What one server stores (the session in the database, the posting counter in the
    shared cache) the other reads, and one cookie jar serves both, as behind a load
    balancer without sticky sessions."""
    server_a, server_b = servers
    person = _person()
    with httpx.Client(timeout=20) as browser:
        assert browser.get(server_b.url(PROFILE)).status_code == 302

        token = _csrf_token(browser.get(server_a.url(LOGIN)))
        signed_in = browser.post(
            server_a.url(LOGIN),
            data={"csrfmiddlewaretoken": token, "login": person.email, "password": PASSWORD},
        )
        assert signed_in.status_code == 302, signed_in.text[:500]

        # The cookies server A set (one jar, host 127.0.0.1) go to server B's port too.
        profile = browser.get(server_b.url(PROFILE))
        assert "sessionid=" in profile.request.headers["cookie"]
        assert profile.status_code == 200
        assert person.email in profile.text

        # A form from A, posted alternately to B and A: one CSRF token, one session and one
        # posting budget of 3 an hour for both servers together.
        token = _csrf_token(browser.get(server_a.url(NEW_QUESTION)))
        alternately = enumerate((server_b, server_a, server_b), start=1)
        statuses = [_ask(browser, server, token, n).status_code for n, server in alternately]
        assert statuses == [302, 302, 302]

        fourth = _ask(browser, server_a, token, 4)
        assert fourth.status_code == 429
        assert "Please slow down" in fourth.text
        assert 0 < int(fourth.headers["Retry-After"]) <= 3600
        assert _ask(browser, server_b, token, 5).status_code == 429
        assert Question.all_objects.filter(author=person).count() == 3
        assert _posting_counter(shared_cache.backend, person) == 5

        signed_out = browser.post(server_b.url(LOGOUT), data={"csrfmiddlewaretoken": token})
        assert signed_out.status_code == 302
        after = browser.get(server_a.url(PROFILE))
        assert after.status_code == 302
        assert after.headers["location"].startswith(LOGIN)


def test_failed_sign_ins_count_against_one_limit_on_both_servers(servers):
    """allauth's sign-in limit per address (2 an hour here) keeps its history in the
    shared cache: a wrong password on each server uses it up on both. (Each wrong password
    costs a server two full PBKDF2 runs, so the limit is kept small.)"""
    server_a, server_b = servers
    person = _person()
    with httpx.Client(timeout=20) as browser:
        token = _csrf_token(browser.get(server_a.url(LOGIN)))

        def sign_in(server, password):
            return browser.post(
                server.url(LOGIN),
                data={"csrfmiddlewaretoken": token, "login": person.email, "password": password},
            )

        wrong = [sign_in(server, "not the password") for server in (server_a, server_b)]
        assert [response.status_code for response in wrong] == [200, 200]
        assert all("Please slow down" not in response.text for response in wrong)

        refused = sign_in(server_a, PASSWORD)
        assert refused.status_code == 429
        assert "Please slow down" in refused.text
        assert sign_in(server_b, PASSWORD).status_code == 429
        assert browser.get(server_b.url(PROFILE)).status_code == 302


def test_gunicorn_serves_the_hashed_static_files_through_whitenoise(servers, server_env):
    manifest_path = Path(server_env["SAMENSPEL_VAR_DIR"]) / "static" / "staticfiles.json"
    hashed = json.loads(manifest_path.read_text(encoding="utf-8"))["paths"]["css/site.css"]
    assert hashed != "css/site.css"

    for server in servers:
        home = httpx.get(server.url("/en/"), timeout=20)
        assert home.status_code == 200
        assert f"/static/{hashed}" in home.text

        response = httpx.get(server.url(f"/static/{hashed}"), timeout=20)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
        max_age = re.search(r"max-age=(\d+)", response.headers["cache-control"])
        assert max_age and int(max_age.group(1)) >= 365 * 24 * 60 * 60
