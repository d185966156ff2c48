"""Every comment URL tried from the outsider's side first: anonymous -> log in, cannot
see the target -> 404, observer of its community or not the author -> 403, allowed -> 302.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import signed_in_client
from comments.models import Comment
from comments.tests.factories import make_comment
from experiences.tests.factories import make_experience
from experiences.tests.personas import READERS
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(instrument, communities, member, facilitator, provider) -> dict:
    """Name -> (URL kind, target, visibility of its community or None)."""
    result = {
        "instrument": ("instrument", instrument, None),
        "question": ("vraag", make_question(author=provider), None),
    }
    for visibility, community in communities.items():
        experience = make_experience(instrument=instrument, author=member, community=community)
        entry = make_entry(community=community, author=facilitator)
        result[f"experience-{visibility}"] = ("ervaring", experience, visibility)
        result[f"entry-{visibility}"] = ("journaal", entry, visibility)
    return result


def _expected_post_status(role: str, visibility: str | None) -> int:
    if role == "anonymous":
        return 302  # to the login page
    if visibility is not None and role not in READERS[visibility]:
        return 404
    if visibility is not None and role == "observer":
        return 403
    return 302  # back to the target


TARGET_NAMES = [
    "instrument", "question",
    "experience-public", "experience-members", "experience-confidential",
    "entry-public", "entry-members", "entry-confidential",
]  # fmt: skip


@pytest.mark.parametrize("name", TARGET_NAMES)
@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer", "member", "facilitator"])
def test_posting_a_comment(targets, people, name, role):
    kind, target, visibility = targets[name]
    status = _expected_post_status(role, visibility)

    response = signed_in_client(people[role]).post(
        f"/reacties/{kind}/{target.pk}/", {"body": "Hallo"}
    )

    assert response.status_code == status
    created = Comment.objects.filter(body="Hallo")
    if status == 302 and role != "anonymous":
        comment = created.get()
        assert comment.target == target
        assert response["Location"] == f"{target.get_absolute_url()}#comment-{comment.pk}"
    else:
        assert not created.exists()
    if role == "anonymous":
        assert response["Location"].startswith("/account/login/")


def test_commenting_on_a_draft_of_someone_else_is_404(provider, outsider):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)

    response = signed_in_client(outsider).post(f"/reacties/instrument/{draft.pk}/", {"body": "x"})

    assert response.status_code == 404


def test_an_unknown_kind_or_target_is_404(outsider):
    client = signed_in_client(outsider)

    assert client.post("/reacties/recept/1/", {"body": "x"}).status_code == 404
    assert client.post("/reacties/instrument/999/", {"body": "x"}).status_code == 404


@pytest.fixture
def members_comment(instrument, communities, member):
    """A comment by ``member`` on an experience in the members-only community."""
    experience = make_experience(
        instrument=instrument, author=member, community=communities["members"]
    )
    return make_comment(target=experience, author=member, body="Origineel")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("observer", 403),
        ("facilitator", 403),
        ("member", 200),
    ],
)
@pytest.mark.parametrize("action", ["bewerken", "verwijderen"])
def test_opening_the_edit_and_delete_pages(members_comment, people, role, status, action):
    response = signed_in_client(people[role]).get(f"/reacties/{members_comment.pk}/{action}/")

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("observer", 403),
        ("facilitator", 403),
        ("member", 302),
    ],
)
def test_posting_an_edit(members_comment, people, role, status):
    response = signed_in_client(people[role]).post(
        f"/reacties/{members_comment.pk}/bewerken/", {"body": "Gewijzigd"}
    )

    assert response.status_code == status
    members_comment.refresh_from_db()
    assert (members_comment.body == "Gewijzigd") is (role == "member")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("observer", 403),
        ("facilitator", 403),
        ("member", 302),
    ],
)
def test_posting_a_delete(members_comment, people, role, status):
    response = signed_in_client(people[role]).post(f"/reacties/{members_comment.pk}/verwijderen/")

    assert response.status_code == status
    assert Comment.objects.filter(pk=members_comment.pk).exists() is (role != "member")


def test_a_comment_on_an_instrument_is_edited_by_its_author_only(instrument, provider, people):
    comment = make_comment(target=instrument, author=provider)

    response = signed_in_client(people["outsider"]).get(f"/reacties/{comment.pk}/bewerken/")

    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_methods_are_refused(members_comment, people, method):
    client = signed_in_client(people["member"])

    assert getattr(client, method)(f"/reacties/{members_comment.pk}/bewerken/").status_code == 405
