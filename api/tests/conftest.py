"""A small world for the API's visibility tests, and clients that call the API as a person.

``world``: a published instrument and a provider's draft; a public, a members-only and a
confidential community, each with an experience and a journal entry carrying a unique
word; an experience outside any community; a question answered with both instruments.
``member`` belongs to all three communities; ``outsider`` (root conftest) to none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from api.services import api_token_create
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_answer, make_question

VISIBILITIES = ("public", "members", "confidential")
WORDS = {"public": "openbaarwoord", "members": "ledenwoord", "confidential": "geheimwoord"}


class ApiClient:
    """Calls ``/api/v1/`` with ``Authorization: Bearer <token>`` (or nothing)."""

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict | None = None):
        url = path if path.startswith("http") else f"/api/v1{path}"
        return self.client.get(url, params or {}, headers=self._headers())

    def post(self, path: str, data: dict | str):
        body = data if isinstance(data, str) else json.dumps(data)
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self._headers()
        )


def token_for(user, name: str = "test") -> str:
    return api_token_create(user=user, name=name)[1]


@dataclass
class World:
    facilitator: object
    member: object
    instrument: object
    draft: object
    communities: dict = field(default_factory=dict)
    experiences: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    loose_experience: object = None
    question: object = None


@pytest.fixture
def world(db, provider) -> World:
    facilitator = UserFactory(name="Fien Facilitator")
    member = UserFactory(name="Mo Lid")
    made = World(
        facilitator=facilitator,
        member=member,
        instrument=InstrumentFactory(title="Gewoon instrument"),
        draft=InstrumentFactory(title="Concept zeppelinhaven", status="draft", owner=provider),
    )
    for visibility in VISIBILITIES:
        word = WORDS[visibility]
        community = make_community(
            facilitator=facilitator, visibility=visibility, name=f"Gemeenschap {word}"
        )
        add_member(community, member)
        made.communities[visibility] = community
        made.experiences[visibility] = make_experience(
            instrument=made.instrument,
            author=facilitator,
            community=community,
            what_was_done=f"Wij gebruikten het met {word} en veel succes.",
        )
        made.entries[visibility] = make_entry(
            community=community,
            author=facilitator,
            title=f"Verslag {word}",
            text=f"Over {word}.",
            instruments=[made.instrument],
        )
    made.loose_experience = make_experience(instrument=made.instrument, author=facilitator)
    made.question = make_question(author=facilitator, title="Wie heeft een werkvorm?")
    make_answer(question=made.question, author=provider, instruments=[made.instrument, made.draft])
    return made


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def outsider_api(outsider) -> ApiClient:
    return ApiClient(token_for(outsider))


@pytest.fixture
def member_api(world) -> ApiClient:
    return ApiClient(token_for(world.member))


@pytest.fixture
def provider_api(provider) -> ApiClient:
    return ApiClient(token_for(provider))


@pytest.fixture
def caller(request, anonymous_api, outsider_api, member_api) -> ApiClient:
    """Parametrize a test with ``caller`` in ("anonymous", "outsider", "member")."""
    return {"anonymous": anonymous_api, "outsider": outsider_api, "member": member_api}[
        request.param
    ]


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an error in the API's one shape; returns its ``error`` object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    if code is not None:
        assert error["code"] == code
    return error
