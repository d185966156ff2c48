"""Which identity providers are offered, from the environment and on the login page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.tests.conftest import free_port
from samenspel.settings import _oidc_app

pytestmark = pytest.mark.django_db


def _app(provider_id: str, name: str) -> dict:
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": f"{provider_id}-id",
        "secret": "s3cret",
        # Nothing listens there: the "provider down" case.
        "settings": {"server_url": f"http://127.0.0.1:{free_port()}/openid"},
    }


def test_an_app_is_configured_only_when_its_client_id_and_secret_are_set(monkeypatch):
    monkeypatch.delenv("LINKEDIN_CLIENT_ID", raising=False)
    monkeypatch.delenv("LINKEDIN_CLIENT_SECRET", raising=False)
    assert (
        _oidc_app("linkedin", "LinkedIn", "LINKEDIN", "https://www.linkedin.com/oauth", False) == []
    )

    monkeypatch.setenv("LINKEDIN_CLIENT_ID", "abc")
    monkeypatch.setenv("LINKEDIN_CLIENT_SECRET", "def")
    (app,) = _oidc_app("linkedin", "LinkedIn", "LINKEDIN", "https://www.linkedin.com/oauth", False)

    assert app["provider_id"] == "linkedin"
    assert (app["client_id"], app["secret"]) == ("abc", "def")
    assert app["settings"] == {
        "server_url": "https://www.linkedin.com/oauth",
        "oauth_pkce_enabled": False,
    }


def test_a_client_id_without_a_secret_stops_the_configuration(monkeypatch):
    monkeypatch.setenv("SURFCONEXT_CLIENT_ID", "abc")
    monkeypatch.delenv("SURFCONEXT_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("SURFCONEXT_CLIENT_SECRET_FILE", raising=False)

    with pytest.raises(ImproperlyConfigured):
        _oidc_app("surfconext", "SURFconext", "SURFCONEXT", "https://connect.surfconext.nl", True)


def test_the_login_page_offers_the_configured_providers_besides_e_mail(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [_app("linkedin", "LinkedIn"), _app("surfconext", "SURFconext")]}
    }

    page = client.get("/en/account/login/").content.decode()

    assert 'name="login"' in page and 'name="password"' in page
    assert 'action="/en/account/oidc/linkedin/login/?process=login"' in page
    assert 'action="/en/account/oidc/surfconext/login/?process=login"' in page
    assert "Sign in with LinkedIn" in page
    assert "Sign in with SURFconext" in page


def test_the_login_page_offers_no_provider_when_none_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}

    page = client.get("/en/account/login/").content.decode()

    assert 'name="password"' in page
    assert "/account/oidc/" not in page


def test_an_unknown_provider_is_not_found(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [_app("linkedin", "LinkedIn")]}}

    assert client.post("/en/account/oidc/nope/login/").status_code == 404


def test_an_unreachable_provider_gives_a_friendly_page_and_creates_nothing(client, settings):
    from accounts.models import User

    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [_app("linkedin", "LinkedIn")]}}

    response = client.post("/en/account/oidc/linkedin/login/")

    assert response.status_code == 503
    assert 'data-failure-reason="unreachable"' in response.content.decode()
    assert not User.objects.exists()
