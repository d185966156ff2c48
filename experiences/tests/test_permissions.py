"""Every experience URL tried from the outsider's side first: anonymous -> log in,
cannot see -> 404, can see but not the author -> 403, the author -> allowed.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import signed_in_client
from experiences.tests.factories import make_experience
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

EDIT_DATA = {"what_was_done": "Changed", "rating": "3", "would_recommend": "no"}


@pytest.fixture
def experiences(instrument, communities, member, outsider) -> dict:
    return {
        "open": make_experience(instrument=instrument, author=outsider),
        "confidential": make_experience(
            instrument=instrument, author=member, community=communities["confidential"]
        ),
    }


@pytest.mark.parametrize(
    ("which", "role", "action", "status"),
    [
        # An experience outside communities: anyone sees it, only its author changes it.
        ("open", "anonymous", "bewerken", 302),
        ("open", "anonymous", "verwijderen", 302),
        ("open", "member", "bewerken", 403),
        ("open", "member", "verwijderen", 403),
        ("open", "outsider", "bewerken", 200),
        ("open", "outsider", "verwijderen", 200),
        # In a confidential community: outsiders get 404, other members 403.
        ("confidential", "anonymous", "bewerken", 302),
        ("confidential", "outsider", "bewerken", 404),
        ("confidential", "outsider", "verwijderen", 404),
        ("confidential", "observer", "bewerken", 403),
        ("confidential", "facilitator", "bewerken", 403),
        ("confidential", "facilitator", "verwijderen", 403),
        ("confidential", "member", "bewerken", 200),
        ("confidential", "member", "verwijderen", 200),
    ],
)
def test_get_permissions(experiences, people, which, role, action, status):
    url = f"{experiences[which].get_absolute_url()}{action}/"

    response = signed_in_client(people[role]).get(url)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    ("which", "role", "status", "changed"),
    [
        ("open", "anonymous", 302, False),
        ("open", "member", 403, False),
        ("open", "outsider", 302, True),
        ("confidential", "outsider", 404, False),
        ("confidential", "observer", 403, False),
        ("confidential", "facilitator", 403, False),
        ("confidential", "member", 302, True),
    ],
)
def test_posting_an_edit(experiences, people, which, role, status, changed):
    experience = experiences[which]
    data = dict(EDIT_DATA)
    if experience.community_id:
        data["community"] = str(experience.community_id)

    response = signed_in_client(people[role]).post(
        f"{experience.get_absolute_url()}bewerken/", data
    )

    assert response.status_code == status
    experience.refresh_from_db()
    assert (experience.what_was_done == "Changed") is changed


@pytest.mark.parametrize(
    ("which", "role", "status", "deleted"),
    [
        ("open", "anonymous", 302, False),
        ("open", "member", 403, False),
        ("open", "outsider", 302, True),
        ("confidential", "outsider", 404, False),
        ("confidential", "observer", 403, False),
        ("confidential", "facilitator", 403, False),
        ("confidential", "member", 302, True),
    ],
)
def test_posting_a_delete(experiences, people, which, role, status, deleted):
    experience = experiences[which]

    response = signed_in_client(people[role]).post(f"{experience.get_absolute_url()}verwijderen/")

    assert response.status_code == status
    assert (not type(experience).objects.filter(pk=experience.pk).exists()) is deleted


def test_deleting_returns_to_the_instrument(experiences, people, instrument):
    response = signed_in_client(people["outsider"]).post(
        f"{experiences['open'].get_absolute_url()}verwijderen/"
    )

    assert response["Location"] == instrument.get_absolute_url()


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("outsider", 200)])
def test_the_share_page_needs_a_sign_in(instrument, people, role, status):
    response = signed_in_client(people[role]).get(
        f"/ervaringen/nieuw/?instrument={instrument.slug}"
    )

    assert response.status_code == status


def test_the_share_page_needs_an_instrument_the_person_can_see(outsider, provider):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)
    client = signed_in_client(outsider)

    assert client.get("/ervaringen/nieuw/").status_code == 404
    assert client.get("/ervaringen/nieuw/?instrument=missing").status_code == 404
    assert client.get(f"/ervaringen/nieuw/?instrument={draft.slug}").status_code == 404


def test_an_experience_with_a_hidden_draft_looks_missing(provider, outsider):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)
    experience = make_experience(instrument=draft, author=provider)

    assert signed_in_client(provider).get(experience.get_absolute_url()).status_code == 200
    assert signed_in_client(outsider).get(experience.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods_are_refused(experiences, people, method):
    client = signed_in_client(people["outsider"])
    url = f"{experiences['open'].get_absolute_url()}bewerken/"

    assert getattr(client, method)(url).status_code == 405
