"""Every journal URL, as anonymous, outsider, observer, member and facilitator, in a public,
a members-only and a confidential community. The entries belong to the facilitator.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from journal.models import JournalAttachment, JournalEntry
from journal.services import journal_attachment_add
from journal.tests.conftest import PDF

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "observer", "member", "facilitator"]
VISIBILITIES = ["public", "members", "confidential"]
OK = "ok"

# Per role: (in a public community, in a members-only or confidential one).
READ = {
    "anonymous": (OK, 404),
    "outsider": (OK, 404),
    "observer": (OK, OK),
    "member": (OK, OK),
    "facilitator": (OK, OK),
}
WRITE = {  # adding an entry
    "anonymous": (302, 302),
    "outsider": (403, 404),
    "observer": (403, 403),
    "member": (OK, OK),
    "facilitator": (OK, OK),
}
CHANGE = {  # editing, deleting or adding an attachment to the facilitator's entry
    "anonymous": (302, 302),
    "outsider": (403, 404),
    "observer": (403, 403),
    "member": (403, 403),
    "facilitator": (OK, OK),
}


def _client(request, role: str):
    name = "client" if role == "anonymous" else f"{role}_client"
    return request.getfixturevalue(name)


def _expected(table: dict, role: str, visibility: str, ok: int):
    status = table[role][0 if visibility == "public" else 1]
    return ok if status == OK else status


def _base(entry) -> str:
    return f"/communities/{entry.community.slug}/journaal/"


def _attachment(entry, facilitator) -> JournalAttachment:
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    return journal_attachment_add(
        user=facilitator,
        entry=entry,
        title="Plan",
        uploaded_file=upload,
        content_type="application/pdf",
    )


GET_PAGES = [
    ("timeline", READ, lambda e, a: _base(e)),
    ("value overview", READ, lambda e, a: _base(e) + "waarde/"),
    ("entry page", READ, lambda e, a: f"{_base(e)}{e.pk}/"),
    ("attachment download", READ, lambda e, a: f"{_base(e)}{e.pk}/bijlagen/{a.pk}/"),
    ("new entry form", WRITE, lambda e, a: _base(e) + "nieuw/"),
    ("edit form", CHANGE, lambda e, a: f"{_base(e)}{e.pk}/bewerken/"),
    ("delete confirmation", CHANGE, lambda e, a: f"{_base(e)}{e.pk}/verwijderen/"),
]


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "table", "url"), GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_getting_a_journal_page(request, entries, facilitator, role, visibility, page, table, url):
    entry = entries[visibility]
    attachment = _attachment(entry, facilitator)

    response = _client(request, role).get(url(entry, attachment))

    assert response.status_code == _expected(table, role, visibility, ok=200)
    if response.status_code == 302:
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_deleting_an_entry(request, entries, role, visibility):
    entry = entries[visibility]

    response = _client(request, role).post(f"{_base(entry)}{entry.pk}/verwijderen/")

    expected = _expected(CHANGE, role, visibility, ok=302)
    assert response.status_code == expected
    allowed = CHANGE[role][0 if visibility == "public" else 1] == OK
    assert JournalEntry.objects.filter(pk=entry.pk).exists() is not allowed


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_adding_an_attachment(request, entries, role, visibility, pdf):
    entry = entries[visibility]

    response = _client(request, role).post(
        f"{_base(entry)}{entry.pk}/bijlagen/", {"title": "Verslag", "file": pdf}
    )

    assert response.status_code == _expected(CHANGE, role, visibility, ok=302)
    allowed = CHANGE[role][0 if visibility == "public" else 1] == OK
    assert entry.attachments.exists() is allowed


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_posting_a_new_entry(request, communities, role, visibility):
    community = communities[visibility]
    data = {
        "kind": "meeting",
        "date": "2025-04-01",
        "title": "Nieuwe stap",
        "phase": "starten",
        "stories-TOTAL_FORMS": "0",
        "stories-INITIAL_FORMS": "0",
    }

    response = _client(request, role).post(f"/communities/{community.slug}/journaal/nieuw/", data)

    assert response.status_code == _expected(WRITE, role, visibility, ok=302)
    allowed = WRITE[role][0 if visibility == "public" else 1] == OK
    assert community.journal_entries.filter(title="Nieuwe stap").exists() is allowed


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer", "member"])
def test_posting_an_edit_is_refused_to_all_but_the_author_and_facilitators(request, entries, role):
    entry = entries["members"]
    data = {
        "kind": "decision",
        "date": "2025-04-01",
        "title": "Gekaapt",
        "phase": "starten",
        "stories-TOTAL_FORMS": "0",
        "stories-INITIAL_FORMS": "0",
    }

    response = _client(request, role).post(f"{_base(entry)}{entry.pk}/bewerken/", data)

    assert response.status_code in (302, 403, 404)
    entry.refresh_from_db()
    assert entry.title == "Stap members"


def test_a_member_edits_and_deletes_their_own_entry(member_client, member, communities):
    from journal.tests.factories import make_entry

    entry = make_entry(community=communities["confidential"], author=member, title="Mijn stap")
    base = f"{_base(entry)}{entry.pk}/"

    assert member_client.get(base + "bewerken/").status_code == 200
    assert member_client.get(base + "verwijderen/").status_code == 200
    assert member_client.post(base + "verwijderen/").status_code == 302
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_a_member_who_became_observer_can_no_longer_edit_their_entry(
    member_client, member, facilitator, community
):
    from communities.models import Membership
    from communities.services import membership_set_role
    from journal.tests.factories import make_entry

    entry = make_entry(community=community, author=member)
    membership = Membership.objects.get(community=community, user=member)
    membership_set_role(user=facilitator, membership=membership, role="observer")

    assert member_client.get(f"{_base(entry)}{entry.pk}/bewerken/").status_code == 403


def test_an_entry_is_not_found_under_another_community(facilitator_client, entries, communities):
    entry = entries["public"]
    other = communities["members"]

    response = facilitator_client.get(f"/communities/{other.slug}/journaal/{entry.pk}/")

    assert response.status_code == 404


def test_an_attachment_is_not_found_under_another_entry(facilitator_client, facilitator, entries):
    attachment = _attachment(entries["public"], facilitator)
    other = entries["members"]

    response = facilitator_client.get(
        f"/communities/{other.community.slug}/journaal/{other.pk}/bijlagen/{attachment.pk}/"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("post", ""), ("post", "{id}/"), ("get", "{id}/bijlagen/"), ("put", "{id}/bewerken/")],
)
def test_wrong_methods_are_refused(facilitator_client, entries, method, suffix):
    entry = entries["public"]
    url = _base(entry) + suffix.format(id=entry.pk)

    assert getattr(facilitator_client, method)(url).status_code == 405
