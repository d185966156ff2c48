"""Who may open the insights pages, tested from the outsider's side.

Per instrument: anonymous -> login; cannot see the instrument (someone else's draft) ->
404; can see it but is not its provider -> 403; its provider and staff -> 200.
Per provider: the provider themself and staff; anyone else 403 (before any lookup).
"""

from __future__ import annotations

import pytest

from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(provider):
    return InstrumentFactory(owner=provider)


@pytest.fixture
def draft(provider):
    return InstrumentFactory(owner=provider, status="draft")


def _url(instrument) -> str:
    return f"/instrumenten/{instrument.slug}/inzichten/"


def test_anonymous_visitors_are_sent_to_log_in(client, published, provider):
    for url in (_url(published), "/inzichten/", f"/inzichten/aanbieder/{provider.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    ("persona", "which", "status"),
    [
        ("outsider_client", "published", 403),
        ("other_provider_client", "published", 403),
        ("outsider_client", "draft", 404),
        ("other_provider_client", "draft", 404),
        ("provider_client", "published", 200),
        ("provider_client", "draft", 200),
        ("staff_client", "published", 200),
        ("staff_client", "draft", 200),
    ],
)
def test_instrument_insights_are_for_its_provider_and_staff(request, persona, which, status):
    client = request.getfixturevalue(persona)
    instrument = request.getfixturevalue(which)
    assert client.get(_url(instrument)).status_code == status


def test_a_missing_instrument_is_404(provider_client):
    assert provider_client.get("/instrumenten/bestaat-niet/inzichten/").status_code == 404


def test_insights_accept_only_get(provider_client, published, provider):
    assert provider_client.post(_url(published)).status_code == 405
    assert provider_client.post("/inzichten/").status_code == 405
    assert provider_client.post(f"/inzichten/aanbieder/{provider.pk}/").status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider_client", 403),
        ("other_provider_client", 403),
        ("provider_client", 200),
        ("staff_client", 200),
    ],
)
def test_a_provider_overview_is_for_the_provider_and_staff(request, provider, persona, status):
    client = request.getfixturevalue(persona)
    assert client.get(f"/inzichten/aanbieder/{provider.pk}/").status_code == status


def test_an_unknown_provider_is_403_for_others_and_404_for_staff(outsider_client, staff_client):
    # Checked before the lookup, so outsiders cannot probe which accounts exist.
    assert outsider_client.get("/inzichten/aanbieder/999999/").status_code == 403
    assert staff_client.get("/inzichten/aanbieder/999999/").status_code == 404


def test_my_insights_shows_a_provider_their_own_instruments(provider_client, published, draft):
    response = provider_client.get("/en/inzichten/")
    assert response.status_code == 200
    assert response.context["own"] is True
    listed = [row.instrument for row in response.context["insights"].instruments]
    assert set(listed) == {published, draft}


def test_my_insights_tells_others_how_to_become_a_provider(outsider_client):
    response = outsider_client.get("/en/inzichten/")
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "insights/not_provider.html"
    assert b"/en/account/profiel/bewerken/" in response.content


def test_staff_without_the_provider_role_get_the_list_of_providers(
    staff_client, provider, other_provider
):
    response = staff_client.get("/en/inzichten/")
    assert response.status_code == 200
    assert set(response.context["providers"]) == {provider, other_provider}
    assert f"/en/inzichten/aanbieder/{provider.pk}/".encode() in response.content


def test_other_providers_instruments_never_show_in_my_insights(other_provider_client, published):
    response = other_provider_client.get("/en/inzichten/")
    assert response.status_code == 200
    assert response.context["insights"].instruments == []
    assert published.slug.encode() not in response.content


def test_the_instrument_page_links_insights_for_the_provider_and_staff_only(
    client, outsider_client, provider_client, staff_client, published
):
    link = _url(published).encode()
    assert link in provider_client.get(published.get_absolute_url()).content
    assert link in staff_client.get(published.get_absolute_url()).content
    assert link not in outsider_client.get(published.get_absolute_url()).content
    assert link not in client.get(published.get_absolute_url()).content


def test_the_account_menu_links_insights_for_providers_only(provider_client, outsider_client):
    assert b'href="/inzichten/"' in provider_client.get("/account/profiel/").content
    assert b'href="/inzichten/"' not in outsider_client.get("/account/profiel/").content
