"""Writes (experiences, comments, questions) need a token or a signed-in session with
CSRF; a revoked or unknown token is refused; bad input answers 422 in the error shape;
and writing about something you cannot see answers 404, as if it did not exist."""

from __future__ import annotations

import pytest
from django.test import Client

from api.services import api_token_revoke
from api.tests.conftest import ApiClient, assert_error, token_for
from comments.models import Comment
from communities.tests.factories import add_member
from experiences.models import Experience
from questions.models import Question

pytestmark = pytest.mark.django_db


def _experience(world, **overrides) -> dict:
    return {
        "instrument": world.instrument.slug,
        "what_was_done": "We probeerden het in een werksessie.",
        "rating": 4,
        **overrides,
    }


WRITES = [
    ("/experiences", lambda w: _experience(w)),
    (
        "/comments",
        lambda w: {"target_type": "question", "target_id": str(w.question.pk), "body": "Hoi"},
    ),
    ("/questions", lambda w: {"title": "Wie heeft een canvas?"}),
]


# Authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_writes_need_a_token(world, anonymous_api, path, payload):
    error = assert_error(anonymous_api.post(path, payload(world)), 401, "not_authenticated")
    assert error["message"]


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_an_unknown_token_is_refused(world, path, payload):
    response = ApiClient("ssp_not-a-real-token").post(path, payload(world))
    assert_error(response, 401, "not_authenticated")


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_a_revoked_token_is_refused_for_writes_and_reads(world, outsider, path, payload):
    from api.models import ApiToken

    plain = token_for(outsider)
    api = ApiClient(plain)
    api_token_revoke(user=outsider, token=ApiToken.objects.get(user=outsider))
    assert_error(api.post(path, payload(world)), 401, "not_authenticated")
    assert_error(api.get("/instruments"), 401, "not_authenticated")


def test_a_session_writes_only_with_its_csrf_token(world, outsider):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    client.get("/en/account/profiel/")  # sets the CSRF cookie, as a page would
    csrf = client.cookies["csrftoken"].value
    body = '{"title": "Wie heeft een canvas?"}'
    refused = client.post("/api/v1/questions", body, content_type="application/json")
    assert_error(refused, 403, "permission_denied")
    accepted = client.post(
        "/api/v1/questions", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


# Experiences ---------------------------------------------------------------------------


def test_post_an_experience(world, outsider, outsider_api):
    response = outsider_api.post("/experiences", _experience(world, sector="energie", level="meso"))
    assert response.status_code == 201, response.content
    body = response.json()
    experience = Experience.objects.get(pk=body["id"])
    assert experience.author == outsider
    assert experience.sector.slug == "energie"
    assert body["community"] is None
    assert outsider_api.get(f"/experiences/{experience.pk}").status_code == 200


def test_validation_errors_point_at_the_fields(world, outsider_api):
    response = outsider_api.post(
        "/experiences", {"instrument": world.instrument.slug, "rating": 9, "level": "giga"}
    )
    error = assert_error(response, 422, "validation_error")
    locations = {tuple(detail["loc"]) for detail in error["details"]}
    assert ("body", "payload", "rating") in locations
    assert ("body", "payload", "what_was_done") in locations
    assert all(detail["message"] and detail["type"] for detail in error["details"])


def test_an_unknown_sector_is_a_field_error(world, outsider_api):
    error = assert_error(outsider_api.post("/experiences", _experience(world, sector="maan")), 422)
    assert error["details"][0]["loc"] == ["body", "sector"]


def test_malformed_json_is_a_bad_request(world, outsider_api):
    assert_error(outsider_api.post("/experiences", "{not json"), 400, "bad_request")


def test_an_experience_with_a_hidden_instrument_is_404(world, outsider_api):
    response = outsider_api.post("/experiences", _experience(world, instrument=world.draft.slug))
    assert_error(response, 404, "not_found")
    assert not Experience.objects.filter(instrument=world.draft).exists()


@pytest.mark.parametrize(
    ("visibility", "status"), [("public", 403), ("members", 404), ("confidential", 404)]
)
def test_an_outsider_cannot_post_into_a_community(world, outsider_api, visibility, status):
    community = world.communities[visibility]
    response = outsider_api.post("/experiences", _experience(world, community=community.slug))
    assert_error(response, status)
    assert Experience.objects.filter(community=community).count() == 1


def test_a_member_posts_into_a_confidential_community(world, member_api, anonymous_api):
    community = world.communities["confidential"]
    response = member_api.post("/experiences", _experience(world, community=community.slug))
    assert response.status_code == 201, response.content
    experience_id = response.json()["id"]
    assert response.json()["community"] == community.slug
    assert_error(anonymous_api.get(f"/experiences/{experience_id}"), 404)


def test_an_observer_cannot_post_an_experience(world, outsider, outsider_api):
    community = world.communities["members"]
    add_member(community, outsider, role="observer")
    response = outsider_api.post("/experiences", _experience(world, community=community.slug))
    assert_error(response, 403, "permission_denied")


# Comments ------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["members", "confidential"])
def test_comment_on_something_you_cannot_see_is_404(world, outsider_api, visibility):
    targets = [
        ("experience", str(world.experiences[visibility].pk)),
        ("journal_entry", str(world.entries[visibility].pk)),
        ("instrument", world.draft.slug),
        ("question", "999999"),
        ("experience", "not-a-number"),
    ]
    for target_type, target_id in targets:
        payload = {"target_type": target_type, "target_id": target_id, "body": "Hallo"}
        assert_error(outsider_api.post("/comments", payload), 404, "not_found")
    assert not Comment.objects.exists()


def test_members_comment_on_their_communitys_content(world, member_api):
    for target_type, target in (
        ("experience", world.experiences["confidential"]),
        ("journal_entry", world.entries["members"]),
    ):
        payload = {"target_type": target_type, "target_id": str(target.pk), "body": "Mooi!"}
        response = member_api.post("/comments", payload)
        assert response.status_code == 201, response.content
        assert response.json()["target_type"] == target_type
        assert response.json()["target_id"] == str(target.pk)


def test_comment_on_an_instrument_by_slug_and_reply(world, outsider_api):
    payload = {"target_type": "instrument", "target_id": world.instrument.slug, "body": "Vraag"}
    first = outsider_api.post("/comments", payload)
    assert first.status_code == 201, first.content
    assert first.json()["target_id"] == world.instrument.slug
    reply = outsider_api.post("/comments", {**payload, "parent_id": first.json()["id"]})
    assert reply.json()["parent_id"] == first.json()["id"]
    elsewhere = {
        "target_type": "question",
        "target_id": str(world.question.pk),
        "body": "x",
        "parent_id": first.json()["id"],
    }
    assert_error(outsider_api.post("/comments", elsewhere), 422, "validation_error")


def test_a_reply_to_a_hidden_comment_is_404(world, member_api, outsider_api):
    hidden = member_api.post(
        "/comments",
        {
            "target_type": "experience",
            "target_id": str(world.experiences["members"].pk),
            "body": "Intern",
        },
    ).json()
    payload = {
        "target_type": "question",
        "target_id": str(world.question.pk),
        "body": "x",
        "parent_id": hidden["id"],
    }
    assert_error(outsider_api.post("/comments", payload), 404)


def test_comment_validation(world, outsider_api):
    payload = {"target_type": "spaceship", "target_id": "1", "body": ""}
    error = assert_error(outsider_api.post("/comments", payload), 422, "validation_error")
    fields = {detail["loc"][-1] for detail in error["details"]}
    assert {"target_type", "body"} <= fields


# Questions -----------------------------------------------------------------------------


def test_post_a_question(world, outsider, outsider_api):
    response = outsider_api.post(
        "/questions", {"title": "Wie heeft een canvas?", "phase": "ontwerpen", "sector": "energie"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["answer_count"] == 0 and body["sector"] == "energie"
    assert Question.objects.get(pk=body["id"]).author == outsider


def test_question_validation(world, outsider_api):
    assert_error(outsider_api.post("/questions", {"title": ""}), 422, "validation_error")
    error = assert_error(outsider_api.post("/questions", {"title": "x", "sector": "maan"}), 422)
    assert error["details"][0]["loc"] == ["body", "sector"]


# Odd bodies (found by the fuzz test) ---------------------------------------------------


@pytest.mark.parametrize("body", ['"AAA"', '"Wie heeft een canvas?"', "42", "[]", "null"])
@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_a_body_that_is_not_an_object_is_422(world, outsider_api, path, payload, body):
    """A JSON string body once became a question titled ``"AAA".title()``."""
    before = Question.objects.count()
    error = assert_error(outsider_api.post(path, body), 422, "validation_error")
    assert error["details"][0]["loc"][0] == "body"
    assert Question.objects.count() == before


@pytest.mark.parametrize(
    ("path", "field"),
    [("/experiences", "what_was_done"), ("/comments", "body"), ("/questions", "title")],
)
def test_a_null_character_in_a_body_string_is_422(world, outsider_api, path, field):
    """PostgreSQL cannot store NUL: refuse it as a field error rather than fail (500)."""
    payload = dict(next(p for w, p in WRITES if w == path)(world))
    payload[field] = "voor\x00na"
    error = assert_error(outsider_api.post(path, payload), 422, "validation_error")
    assert error["details"][0]["loc"][-1] == field
