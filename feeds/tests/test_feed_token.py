"""The personal feed token: made, replaced and revoked on the profile page with plain POST
forms; shown once; only its hash stored."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from communities.tests.factories import make_community
from feeds.models import FeedToken
from feeds.services import feed_token_revoke, feed_token_rotate

pytestmark = pytest.mark.django_db

PROFILE = "/en/account/profiel/"
ROTATE = "/account/feeds/sleutel/"
REVOKE = "/account/feeds/sleutel/intrekken/"


def test_only_the_tokens_hash_is_stored(outsider):
    token, plain = feed_token_rotate(user=outsider)
    stored = FeedToken.objects.get(user=outsider)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain.startswith("ssf_") and len(plain) > 40
    assert plain not in {str(value) for value in FeedToken.objects.values_list().get()}
    assert stored.prefix == plain[:10]


def test_there_is_one_token_per_person_and_rotating_replaces_it(outsider):
    first, old = feed_token_rotate(user=outsider)
    second, new = feed_token_rotate(user=outsider)
    assert old != new
    assert first.pk == second.pk
    assert FeedToken.objects.filter(user=outsider).count() == 1
    assert (
        FeedToken.objects.get(user=outsider).token_hash == hashlib.sha256(new.encode()).hexdigest()
    )


def test_revoking_twice_changes_nothing(outsider):
    feed_token_rotate(user=outsider)
    assert feed_token_revoke(user=outsider) is True
    assert feed_token_revoke(user=outsider) is False
    assert not FeedToken.objects.exists()


def test_anonymous_cannot_make_a_token():
    with pytest.raises(PermissionDenied):
        feed_token_rotate(user=AnonymousUser())


def test_the_profile_shows_the_new_token_and_the_feed_urls_once(outsider, outsider_client):
    closed = make_community(facilitator=outsider, visibility="confidential", name="Dicht")
    open_ = make_community(facilitator=outsider, visibility="public", name="Open")

    response = outsider_client.post(ROTATE)
    assert response.status_code == 302
    assert response["Location"].endswith("/account/profiel/#feeds")
    html = outsider_client.get(PROFILE).content.decode()
    stored = FeedToken.objects.get(user=outsider)
    plain = next(
        word.split('"')[0] for word in html.split('value="')[1:] if word.startswith("ssf_")
    )
    assert hashlib.sha256(plain.encode()).hexdigest() == stored.token_hash
    assert f"/communities/{closed.slug}/journaal/feed/?token={plain}" in html
    assert f"/communities/{closed.slug}/agenda.ics?token={plain}" in html
    assert f'http://testserver/en/communities/{open_.slug}/journaal/feed/"' in html

    later = outsider_client.get(PROFILE).content.decode()
    assert plain not in later  # shown once
    assert stored.prefix in later
    assert f"/communities/{closed.slug}/journaal/feed/" not in later
    assert (
        f'http://testserver/en/communities/{open_.slug}/journaal/feed/"' in later
    )  # no token needed

    # The URL shown works in a feed reader: anonymous, no session.
    reader = Client()
    assert (
        reader.get(f"/communities/{closed.slug}/journaal/feed/", {"token": plain}).status_code
        == 200
    )


def test_replacing_the_token_breaks_the_old_links(outsider, outsider_client):
    community = make_community(facilitator=outsider, visibility="members")
    _token, old = feed_token_rotate(user=outsider)
    outsider_client.post(ROTATE)
    url = f"/communities/{community.slug}/agenda.ics"
    assert Client().get(url, {"token": old}).status_code == 404


def test_revoking_from_the_profile(outsider, outsider_client):
    feed_token_rotate(user=outsider)
    response = outsider_client.post(REVOKE, follow=True)
    assert response.redirect_chain[-1][0].endswith("#feeds")
    assert not FeedToken.objects.filter(user=outsider).exists()
    html = outsider_client.get(PROFILE).content.decode()
    assert 'action="/en/account/feeds/sleutel/"' in html  # the create form is back


def test_the_profile_section_without_token_or_communities_says_what_to_do(outsider_client):
    html = outsider_client.get(PROFILE).content.decode()
    assert 'id="feeds"' in html
    assert "Create feed token" in html
    assert "You are not a member of a community yet" in html
    assert "No saved searches yet" in html


@pytest.mark.parametrize("url", [ROTATE, REVOKE])
def test_token_urls_want_a_signed_in_post(client, outsider_client, url):
    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert "/account/login/" in anonymous["Location"]
    assert outsider_client.get(url).status_code == 405
    assert not FeedToken.objects.exists()


def test_token_forms_need_csrf(outsider):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(outsider)
    assert strict.post(ROTATE).status_code == 403


def test_a_member_sees_a_tokened_link_only_for_closed_communities(outsider, outsider_client):
    closed = make_community(facilitator=outsider, visibility="members")
    other = make_community(facilitator=outsider, visibility="public")
    outsider_client.post(ROTATE)
    html = outsider_client.get(PROFILE).content.decode()
    assert f"/communities/{closed.slug}/journaal/feed/?token=ssf_" in html
    assert f"/communities/{other.slug}/journaal/feed/?token=" not in html
