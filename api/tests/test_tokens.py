"""Personal API tokens: created on the profile page (the plain token shown once, only its
hash stored), revoked there by their owner only, and their use recorded at most once a
minute."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from api.services import MAX_ACTIVE_TOKENS, api_token_create, api_token_revoke
from api.tests.conftest import ApiClient, assert_error

pytestmark = pytest.mark.django_db

PROFILE = "/en/account/profiel/"
CREATE = "/en/account/api-sleutels/nieuw/"


def _revoke_url(token: ApiToken) -> str:
    return f"/en/account/api-sleutels/{token.pk}/intrekken/"


def _plain_token(html: str) -> str:
    found = re.findall(r'value="(ssp_[^"]+)"', html)
    assert len(found) == 1, html
    return found[0]


# Services ------------------------------------------------------------------------------


def test_only_the_hash_and_a_prefix_are_stored(outsider):
    token, plain = api_token_create(user=outsider, name="Script")
    assert plain.startswith("ssp_") and len(plain) > 40
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:12]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert plain not in {str(value) for value in row.values()}


def test_another_user_cannot_revoke_a_token(outsider, provider):
    token, _plain = api_token_create(user=outsider, name="Script")
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=provider, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_number_of_active_tokens_is_capped(outsider):
    from django.core.exceptions import ValidationError

    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=outsider, name=f"t{n}")
    with pytest.raises(ValidationError):
        api_token_create(user=outsider, name="one too many")


def test_use_is_recorded_at_most_once_a_minute(outsider):
    token, plain = api_token_create(user=outsider, name="Script")
    api = ApiClient(plain)
    assert api.get("/questions").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as queries:
        assert api.get("/questions").status_code == 200
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == first

    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    api.get("/questions")
    token.refresh_from_db()
    assert token.last_used_at > earlier + datetime.timedelta(minutes=1)


def test_a_deactivated_users_token_is_refused(outsider):
    _token, plain = api_token_create(user=outsider, name="Script")
    outsider.is_active = False
    outsider.save(update_fields=["is_active"])
    assert_error(ApiClient(plain).get("/questions"), 401, "not_authenticated")


# Profile pages -------------------------------------------------------------------------


def test_the_profile_lists_tokens_with_a_create_form(outsider, outsider_client):
    api_token_create(user=outsider, name="Mijn analysescript")
    html = outsider_client.get(PROFILE).content.decode()
    assert 'id="api-tokens"' in html
    assert "Mijn analysescript" in html
    assert f'action="{CREATE}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_profile_says_what_to_do_without_tokens(outsider_client):
    html = outsider_client.get(PROFILE).content.decode()
    assert "You have no API tokens yet" in html


def test_create_shows_the_plain_token_once(outsider, outsider_client):
    response = outsider_client.post(CREATE, {"name": "Dashboard"})
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    plain = _plain_token(response.content.decode())
    token = ApiToken.objects.get(user=outsider)
    assert token.name == "Dashboard"
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()

    profile = outsider_client.get(PROFILE).content.decode()
    assert token.prefix in profile
    assert plain not in profile
    assert ApiClient(plain).post("/questions", {"title": "Werkt mijn token?"}).status_code == 201


def test_create_with_an_empty_name_shows_the_error(outsider, outsider_client):
    response = outsider_client.post(CREATE, {"name": "  "})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, outsider):
    token, _plain = api_token_create(user=outsider, name="Script")
    for url in (CREATE, _revoke_url(token)):
        response = client.post(url, {"name": "x"})
        assert response.status_code == 302 and "login" in response["Location"]
    token.refresh_from_db()
    assert token.is_active


def test_revoke_asks_first_then_revokes(outsider, outsider_client):
    token, plain = api_token_create(user=outsider, name="Script")
    confirm = outsider_client.get(_revoke_url(token))
    assert confirm.status_code == 200
    assert b"Yes, revoke this token" in confirm.content
    token.refresh_from_db()
    assert token.is_active

    response = outsider_client.post(_revoke_url(token))
    assert response.status_code == 302
    assert response["Location"].endswith("#api-tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_error(ApiClient(plain).get("/questions"), 401)


def test_another_user_cannot_see_or_revoke_a_token(outsider, provider_client):
    token, plain = api_token_create(user=outsider, name="Script")
    assert provider_client.get(_revoke_url(token)).status_code == 404
    assert provider_client.post(_revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.is_active
    assert ApiClient(plain).get("/questions").status_code == 200


def test_revoke_needs_post(outsider, outsider_client):
    token, _plain = api_token_create(user=outsider, name="Script")
    assert outsider_client.put(_revoke_url(token)).status_code == 405
