"""Following: one view for instruments, communities and questions; nobody follows what they
cannot see (a 404, as if it did not exist)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory

from accounts.tests.factories import signed_in_client
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from notifications.models import Follow
from notifications.services import follow_create
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db

URL = "/meldingen/volgen/"


def _post(client, target_type: str, identifier, action: str = "follow", **extra):
    data = {"type": target_type, "id": identifier, "action": action}
    return client.post(URL, data, **extra)


@pytest.mark.parametrize(
    ("role", "visibility", "status"),
    [
        ("outsider", "public", 302),
        ("outsider", "members", 404),
        ("outsider", "confidential", 404),
        ("observer", "members", 302),
        ("member", "confidential", 302),
        ("facilitator", "confidential", 302),
    ],
)
def test_a_community_is_followed_only_by_those_who_may_read_it(
    people, communities, role, visibility, status
):
    community = communities[visibility]

    response = _post(signed_in_client(people[role]), "community", community.slug)

    assert response.status_code == status
    assert Follow.objects.filter(user=people[role], community=community).exists() == (status == 302)


def test_an_instrument_draft_is_followed_only_by_its_provider(
    provider_client, other_provider_client, provider, other_provider
):
    draft = InstrumentFactory(owner=provider, n="concept", status=Status.DRAFT)

    assert _post(other_provider_client, "instrument", draft.slug).status_code == 404
    assert _post(provider_client, "instrument", draft.slug).status_code == 302
    assert not Follow.objects.filter(user=other_provider).exists()


@pytest.mark.parametrize(
    ("target_type", "identifier"),
    [("question", "999999"), ("question", "abc"), ("instrument", "bestaat-niet"), ("user", "1")],
)
def test_unknown_targets_are_not_found(outsider_client, target_type, identifier):
    assert _post(outsider_client, target_type, identifier).status_code == 404


def test_anonymous_is_sent_to_log_in(client, instrument):
    response = _post(client, "instrument", instrument.slug)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_following_needs_a_post(outsider_client):
    assert outsider_client.get(URL).status_code == 405


def test_following_and_unfollowing_without_javascript_redirects_back(
    outsider_client, outsider, instrument
):
    page = instrument.get_absolute_url()

    followed = _post(outsider_client, "instrument", instrument.slug, next=page)
    following_after_follow = Follow.objects.filter(user=outsider, instrument=instrument).exists()
    unfollowed = _post(outsider_client, "instrument", instrument.slug, "unfollow", next=page)

    assert followed.status_code == unfollowed.status_code == 302
    assert followed["Location"] == unfollowed["Location"] == page
    assert following_after_follow
    assert not Follow.objects.filter(user=outsider).exists()


def test_following_twice_keeps_one_follow(outsider_client, outsider, instrument):
    _post(outsider_client, "instrument", instrument.slug)
    _post(outsider_client, "instrument", instrument.slug)

    assert Follow.objects.filter(user=outsider).count() == 1


def test_an_outside_next_address_is_ignored(outsider_client, outsider):
    question = make_question(author=outsider)

    response = outsider_client.post(
        URL, {"type": "question", "id": question.pk, "next": "https://evil.example/"}
    )

    assert response["Location"] == question.get_absolute_url()


def test_with_htmx_the_button_is_rendered_in_its_new_state(outsider_client, outsider, instrument):
    response = _post(outsider_client, "instrument", instrument.slug, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "notifications/_follow_button_inner.html"
    assert response.context["following"] is True
    assert 'name="action" value="unfollow"' in page


def test_the_service_refuses_what_the_user_cannot_read(outsider, communities):
    with pytest.raises(PermissionDenied):
        follow_create(user=outsider, target=communities["members"])


def _render_tag(user, obj) -> str:
    request = RequestFactory().get("/ergens/")
    request.user = user
    template = Template("{% load notifications %}{% follow_button obj %}")
    return template.render(Context({"request": request, "obj": obj}))


def test_the_follow_tag_shows_the_state_for_the_viewer(outsider, instrument):
    before = _render_tag(outsider, instrument)
    follow_create(user=outsider, target=instrument)
    after = _render_tag(outsider, instrument)

    assert 'name="type" value="instrument"' in before
    assert f'name="id" value="{instrument.slug}"' in before
    assert 'value="follow"' in before
    assert 'value="unfollow"' in after
    assert 'name="next" value="/ergens/"' in after


def test_the_follow_tag_asks_anonymous_visitors_to_log_in(communities):
    from django.contrib.auth.models import AnonymousUser

    html = _render_tag(AnonymousUser(), communities["public"])

    assert "/account/login/?next=/ergens/" in html
    assert "<form" not in html


def test_the_question_page_has_the_follow_button(outsider_client, outsider):
    question = make_question(author=outsider)

    page = outsider_client.get(question.get_absolute_url()).content.decode()

    # The asker follows their own question from the start.
    assert f'id="follow-question-{question.pk}"' in page
    assert 'name="action" value="unfollow"' in page


def test_the_follow_tag_offers_nothing_for_a_community_the_viewer_cannot_read(
    outsider, member, communities
):
    from communities.selectors import get_community_for_user

    members_only = communities["members"]
    as_listed = get_community_for_user(user=outsider, slug=members_only.slug)

    assert "<form" not in _render_tag(outsider, members_only)
    assert "<form" not in _render_tag(outsider, as_listed)  # viewer_can_read is False
    assert "<form" in _render_tag(member, members_only)
