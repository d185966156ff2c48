"""A real OpenID Connect provider for the sign-in tests: the small django-oidc-provider
project in ``oidc_op/``, started once per test session as a subprocess on 127.0.0.1.

``identity_provider`` starts it (fresh SQLite file in a temp dir, readiness by polling the
discovery document) and stops it at the end; ``oidc_apps`` points Samenspel's LinkedIn and
SURFconext apps at it for one test. It needs no network, no stdin and no browser download.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENT_ID = "samenspel-test"
CLIENT_SECRET = "test-client-secret-for-the-local-provider"
PASSWORD = "provider password"
APPS = {"surfconext": "SURFconext", "linkedin": "LinkedIn"}
START_TIMEOUT = 60

# The people the provider knows, and what it says about them.
PEOPLE = {
    # SURFconext style: name and schac_home_organization.
    "ada": {
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "email": "ada@hu.example",
        "email_verified": True,
        "schac_home_organization": "hu.nl",
    },
    # Only given_name + family_name, and an organization claim.
    "bram": {
        "given_name": "Bram",
        "family_name": "de Vries",
        "email": "bram@gemeente.example",
        "email_verified": True,
        "organization": "Gemeente Utrecht",
    },
    # Someone whose e-mail address already has a Samenspel account in the tests.
    "olga": {
        "name": "Olga Buitenstaander",
        "email": "olga@example.org",
        "email_verified": True,
    },
    # The provider does not vouch for this address.
    "ursula": {
        "name": "Ursula Onbevestigd",
        "email": "ursula@example.org",
        "email_verified": False,
    },
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class IdentityProvider:
    base_url: str
    process: subprocess.Popen
    log: Path

    @property
    def server_url(self) -> str:
        return f"{self.base_url}/openid"

    def app(self, provider_id: str, *, server_url: str | None = None) -> dict:
        """An allauth ``openid_connect`` app (as in SOCIALACCOUNT_PROVIDERS) for this provider."""
        return {
            "provider_id": provider_id,
            "name": APPS[provider_id],
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {"server_url": server_url or self.server_url, "oauth_pkce_enabled": True},
        }


def _wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test OpenID provider stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"The test OpenID provider did not start:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def _loopback_bypasses_proxies():
    """A proxy set in the environment (as on some CI runners) must not receive the loopback
    requests to the provider: urllib here and requests in allauth both honour NO_PROXY."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("NO_PROXY", "no_proxy"):
            current = os.environ.get(name, "")
            patch.setenv(name, ",".join(filter(None, [current, "127.0.0.1", "localhost"])))
        yield


@pytest.fixture(scope="session")
def identity_provider(live_server, tmp_path_factory, _loopback_bypasses_proxies):
    workdir = tmp_path_factory.mktemp("oidc-op")
    people = workdir / "people.json"
    people.write_text(json.dumps(PEOPLE), encoding="utf-8")
    log = workdir / "op.log"
    port = free_port()
    redirect_uris = [
        f"{live_server.url}{prefix}/account/oidc/{provider_id}/login/callback/"
        for provider_id in APPS
        for prefix in ("", "/en")
    ]
    command = [
        sys.executable,
        "-m",
        "accounts.tests.oidc_op",
        f"--port={port}",
        f"--database={workdir / 'op.sqlite3'}",
        f"--people={people}",
        f"--password={PASSWORD}",
        f"--client-id={CLIENT_ID}",
        f"--client-secret={CLIENT_SECRET}",
        *(f"--redirect-uri={uri}" for uri in redirect_uris),
    ]
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    provider = IdentityProvider(base_url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        _wait_until_ready(f"{provider.server_url}/.well-known/openid-configuration", process, log)
        yield provider
    finally:
        _stop(process)


@pytest.fixture
def oidc_apps(settings, identity_provider) -> IdentityProvider:
    """Samenspel's LinkedIn and SURFconext apps, both pointing at the local provider."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [identity_provider.app(app) for app in APPS]}
    }
    return identity_provider
