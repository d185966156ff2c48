"""Every read endpoint applies the one visibility rule, tested from the outsider's side:
anonymous and outsider callers never see members-only or confidential content (or
another provider's draft), members do. A hidden item answers 404, like a missing one."""

from __future__ import annotations

import pytest

from api.tests.conftest import VISIBILITIES, WORDS, assert_error

pytestmark = pytest.mark.django_db

OUTSIDERS = ["anonymous", "outsider"]
EVERYONE = ["anonymous", "outsider", "member"]
# What each caller may read, per community visibility.
READS = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "member": {"public", "members", "confidential"},
}
LISTED = {
    "anonymous": {"public", "members"},
    "outsider": {"public", "members"},
    "member": {"public", "members", "confidential"},
}


def _items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"items", "next"}
    return body["items"]


# Instruments ---------------------------------------------------------------------------


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_instrument_list_hides_another_providers_draft(world, caller):
    slugs = {item["slug"] for item in _items(caller.get("/instruments", {"limit": 100}))}
    assert world.instrument.slug in slugs
    assert world.draft.slug not in slugs


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_instrument_detail_of_a_draft_is_404_for_others(world, caller):
    assert caller.get(f"/instruments/{world.instrument.slug}").status_code == 200
    assert_error(caller.get(f"/instruments/{world.draft.slug}"), 404, "not_found")


def test_the_provider_reads_their_own_draft(world, provider_api):
    slugs = {item["slug"] for item in _items(provider_api.get("/instruments"))}
    assert world.draft.slug in slugs
    detail = provider_api.get(f"/instruments/{world.draft.slug}").json()
    assert detail["status"] == "draft"


def test_instrument_filters_by_phase_sector_and_kind(world, anonymous_api):
    from instruments.tests.factories import InstrumentFactory

    other = InstrumentFactory(phases=["ontwerpen"], sectors=["zorg-welzijn"], kind="canvas")

    def slugs(params):
        return {item["slug"] for item in _items(anonymous_api.get("/instruments", params))}

    assert slugs({"phase": "ontwerpen"}) == {other.slug}
    assert slugs({"sector": "zorg-welzijn"}) == {other.slug}
    assert slugs({"kind": "canvas"}) == {other.slug}
    assert world.instrument.slug in slugs({"phase": "starten", "kind": "checklist"})
    assert_error(anonymous_api.get("/instruments", {"phase": "nope"}), 422, "validation_error")


def test_instrument_detail_shows_the_record(world, anonymous_api):
    body = anonymous_api.get(f"/instruments/{world.instrument.slug}").json()
    assert body["title"] == "Gewoon instrument"
    assert body["phases"] == ["starten"]
    assert body["sectors"] == ["energie"]
    assert body["url"].endswith(f"/instrumenten/{world.instrument.slug}/")


# Experiences ---------------------------------------------------------------------------


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_experience_list_shows_only_readable_communities(world, caller, request):
    role = request.node.callspec.params["caller"]
    ids = {item["id"] for item in _items(caller.get("/experiences", {"limit": 100}))}
    assert world.loose_experience.pk in ids
    for visibility in VISIBILITIES:
        assert (world.experiences[visibility].pk in ids) == (visibility in READS[role])


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_experience_detail_follows_its_community(world, caller, visibility, request):
    role = request.node.callspec.params["caller"]
    response = caller.get(f"/experiences/{world.experiences[visibility].pk}")
    if visibility in READS[role]:
        assert response.status_code == 200
        assert WORDS[visibility] in response.json()["what_was_done"]
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_experience_filter_by_instrument(world, caller, request):
    role = request.node.callspec.params["caller"]
    items = _items(caller.get("/experiences", {"instrument": world.instrument.slug}))
    assert {item["instrument"] for item in items} == {world.instrument.slug}
    assert len(items) == 1 + len(READS[role])
    assert _items(caller.get("/experiences", {"instrument": world.draft.slug})) == []


def test_experiences_with_a_draft_are_hidden_with_the_draft(world, provider, anonymous_api):
    from experiences.tests.factories import make_experience

    hidden = make_experience(instrument=world.draft, author=provider)
    assert_error(anonymous_api.get(f"/experiences/{hidden.pk}"), 404)
    ids = {item["id"] for item in _items(anonymous_api.get("/experiences"))}
    assert hidden.pk not in ids


# Communities and journals --------------------------------------------------------------


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_community_list_hides_confidential_from_outsiders(world, caller, request):
    role = request.node.callspec.params["caller"]
    items = {item["slug"]: item for item in _items(caller.get("/communities"))}
    for visibility in VISIBILITIES:
        slug = world.communities[visibility].slug
        assert (slug in items) == (visibility in LISTED[role])
        if slug in items:
            assert items[slug]["can_read_content"] == (visibility in READS[role])
            assert items[slug]["your_role"] == ("member" if role == "member" else None)


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_community_detail_shows_content_fields_only_to_readers(world, caller, visibility, request):
    role = request.node.callspec.params["caller"]
    response = caller.get(f"/communities/{world.communities[visibility].slug}")
    if visibility not in LISTED[role]:
        assert_error(response, 404, "not_found")
        return
    body = response.json()
    assert body["name"] == f"Gemeenschap {WORDS[visibility]}"
    if visibility in READS[role]:
        assert body["member_count"] == 2
        assert body["lessons"] == []
    else:
        assert body["member_count"] is None
        assert body["lessons"] is None


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_journal_of_a_community_only_for_readers(world, caller, visibility, request):
    role = request.node.callspec.params["caller"]
    slug = world.communities[visibility].slug
    response = caller.get(f"/communities/{slug}/journal")
    entry_response = caller.get(f"/journal-entries/{world.entries[visibility].pk}")
    if visibility in READS[role]:
        items = _items(response)
        assert [item["id"] for item in items] == [world.entries[visibility].pk]
        assert items[0]["instruments"] == [world.instrument.slug]
        assert entry_response.json()["title"] == f"Verslag {WORDS[visibility]}"
    else:
        assert_error(response, 404, "not_found")
        assert_error(entry_response, 404, "not_found")


def test_unknown_community_journal_is_404(world, member_api):
    assert_error(member_api.get("/communities/bestaat-niet/journal"), 404)
    assert_error(member_api.get("/journal-entries/999999"), 404)


# Questions -----------------------------------------------------------------------------


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
def test_questions_are_public_but_answers_hide_drafts(world, caller):
    items = _items(caller.get("/questions"))
    assert [item["id"] for item in items] == [world.question.pk]
    assert items[0]["answer_count"] == 1
    assert items[0]["has_instrument"] is True
    detail = caller.get(f"/questions/{world.question.pk}").json()
    assert detail["answers"][0]["instruments"] == [world.instrument.slug]


def test_the_provider_sees_their_draft_in_their_answer(world, provider_api):
    detail = provider_api.get(f"/questions/{world.question.pk}").json()
    assert set(detail["answers"][0]["instruments"]) == {world.instrument.slug, world.draft.slug}


def test_unknown_question_is_404(world, anonymous_api):
    assert_error(anonymous_api.get("/questions/999999"), 404, "not_found")


# Search --------------------------------------------------------------------------------


def _found(response) -> set[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return {(item["type"], item["id"]) for item in response.json()["items"]}


@pytest.mark.parametrize("caller", EVERYONE, indirect=True)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_search_finds_community_content_only_for_readers(world, caller, visibility, request):
    role = request.node.callspec.params["caller"]
    found = _found(caller.get("/search", {"q": WORDS[visibility], "limit": 100}))
    key = ("experience", str(world.experiences[visibility].pk))
    assert (key in found) == (visibility in READS[role])
    entry_key = ("journal_entry", str(world.entries[visibility].pk))
    assert (entry_key in found) == (visibility in READS[role])


@pytest.mark.parametrize("caller", OUTSIDERS, indirect=True)
def test_search_never_returns_a_draft_or_a_confidential_community(world, caller):
    assert ("instrument", world.draft.slug) not in _found(
        caller.get("/search", {"q": "zeppelinhaven"})
    )
    found = _found(caller.get("/search", {"q": "Gemeenschap geheimwoord", "limit": 100}))
    assert ("community", world.communities["confidential"].slug) not in found


def test_search_results_explain_themselves_and_filter_by_type(world, anonymous_api):
    body = anonymous_api.get("/search", {"q": "openbaarwoord", "type": "experience"}).json()
    assert body["items"], body
    hit = body["items"][0]
    assert set(hit) == {"type", "id", "title", "url", "score", "explanation"}
    assert {item["type"] for item in body["items"]} == {"experience"}
    assert hit["explanation"]["reason"] in {"terms", "meaning", "context"}
    assert hit["url"].startswith("http://testserver/")
    assert_error(anonymous_api.get("/search", {"q": "x", "type": "spaceship"}), 422)


def test_search_pages_with_a_cursor(world, anonymous_api):
    first = anonymous_api.get("/search", {"q": "instrument gemeenschap", "limit": 1}).json()
    assert first["total"] > 1 and len(first["items"]) == 1
    second = anonymous_api.get(first["next"]).json()
    assert second["items"][0] != first["items"][0]
    assert_error(anonymous_api.get("/search", {"q": "x", "cursor": "%%%"}), 400, "invalid_cursor")


def test_a_signed_in_session_reads_as_that_person(world, client):
    client.force_login(world.member)
    response = client.get(f"/api/v1/experiences/{world.experiences['confidential'].pk}")
    assert response.status_code == 200
