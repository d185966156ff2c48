"""Writes to the journal: who may write, the rules for sub-phases and capital, how value
stories and instruments are kept, and who is notified.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalEntry, ValueStory
from journal.services import (
    journal_attachment_add,
    journal_entry_create,
    journal_entry_delete,
    journal_entry_update,
)
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db

BASE = {"kind": "meeting", "date": datetime.date(2025, 5, 1), "title": "Stap", "phase": "starten"}


def _fields(entry: JournalEntry, **changes) -> dict:
    fields = {
        name: getattr(entry, name)
        for name in ("kind", "date", "title", "phase", "sub_phase", "sprint_number", "text")
    }
    fields.update(changes)
    return fields


def test_a_member_adds_an_entry_with_instruments_and_value_stories(community, member):
    instrument = InstrumentFactory(n="canvas")

    entry = journal_entry_create(
        user=member,
        community=community,
        **BASE,
        instruments=[instrument],
        value_stories=[
            {"cycle": "immediate", "capital": "", "text": "Energie in de groep."},
            {"cycle": "potential", "capital": "social", "text": " Nieuwe contacten. "},
        ],
    )

    assert entry.author == member
    assert list(entry.instruments.all()) == [instrument]
    stories = list(entry.value_stories.values_list("cycle", "capital", "text"))
    assert stories == [
        ("immediate", "", "Energie in de groep."),
        ("potential", "social", "Nieuwe contacten."),
    ]


@pytest.mark.parametrize("role", ["observer", "outsider"])
def test_observers_and_outsiders_cannot_add_entries(request, community, role):
    with pytest.raises(PermissionDenied):
        journal_entry_create(user=request.getfixturevalue(role), community=community, **BASE)

    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("phase", "sub_phase", "sprint_number", "error_field"),
    [
        ("ontwerpen", "orientation", None, "sub_phase"),
        ("starten", "sprint", 1, "sub_phase"),
        ("uitvoeren", "sprint", None, "sprint_number"),
        ("uitvoeren", "evaluation", 2, "sprint_number"),
        ("uitvoeren", "", 2, "sprint_number"),
    ],
)
def test_sub_phases_belong_to_carrying_out_and_only_sprints_have_a_number(
    community, member, phase, sub_phase, sprint_number, error_field
):
    fields = {**BASE, "phase": phase, "sub_phase": sub_phase, "sprint_number": sprint_number}

    with pytest.raises(ValidationError) as error:
        journal_entry_create(user=member, community=community, **fields)

    assert error_field in error.value.message_dict
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("sub_phase", "sprint_number", "label"),
    [("orientation", None, "Orientation"), ("sprint", 3, "Action sprint 3"), ("", None, "")],
)
def test_an_entry_in_carrying_out_names_its_step(
    community, member, sub_phase, sprint_number, label
):
    from django.utils import translation

    fields = {**BASE, "phase": "uitvoeren", "sub_phase": sub_phase, "sprint_number": sprint_number}
    entry = journal_entry_create(user=member, community=community, **fields)

    with translation.override("en"):
        assert entry.sub_phase_label == label


@pytest.mark.parametrize(
    ("cycle", "capital", "valid"),
    [
        ("potential", "human", True),
        ("potential", "", False),
        ("realised", "", True),
        ("realised", "learning", False),
        ("expected", "tangible", False),
    ],
)
def test_potential_value_and_only_potential_value_names_its_capital(
    community, member, cycle, capital, valid
):
    story = {"cycle": cycle, "capital": capital, "text": "Een verhaal."}

    if valid:
        journal_entry_create(user=member, community=community, **BASE, value_stories=[story])
        assert ValueStory.objects.get().capital == capital
    else:
        with pytest.raises(ValidationError) as error:
            journal_entry_create(user=member, community=community, **BASE, value_stories=[story])
        assert "capital" in error.value.message_dict
        assert not JournalEntry.objects.exists()  # the entry is rolled back with its story


def test_an_instrument_the_author_cannot_see_is_refused(community, member, provider):
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)

    with pytest.raises(ValidationError):
        journal_entry_create(user=member, community=community, **BASE, instruments=[draft])

    assert not JournalEntry.objects.exists()


def test_updating_keeps_changes_and_removes_value_stories(community, member):
    entry = make_entry(
        community=community,
        author=member,
        value_stories=[
            {"cycle": "expected", "text": "Verwachting"},
            {"cycle": "immediate", "text": "Direct"},
        ],
    )
    expected, immediate = entry.value_stories.all()

    journal_entry_update(
        user=member,
        entry=entry,
        **_fields(entry, title="Nieuwe titel"),
        value_stories=[
            {"id": expected.pk, "cycle": "expected", "capital": "", "text": "Bijgesteld"},
            {"cycle": "applied", "capital": "", "text": "Toegepast"},
        ],
    )

    entry.refresh_from_db()
    assert entry.title == "Nieuwe titel"
    stories = list(entry.value_stories.order_by("pk").values_list("pk", "cycle", "text"))
    assert stories[0] == (expected.pk, "expected", "Bijgesteld")
    assert stories[1][1:] == ("applied", "Toegepast")
    assert not ValueStory.objects.filter(pk=immediate.pk).exists()


def test_a_story_of_another_entry_cannot_be_changed_through_an_update(community, member):
    other = make_entry(
        community=community,
        author=member,
        value_stories=[{"cycle": "expected", "text": "Van een ander"}],
    )
    entry = make_entry(community=community, author=member)
    foreign = other.value_stories.get()

    with pytest.raises(ValidationError):
        journal_entry_update(
            user=member,
            entry=entry,
            **_fields(entry),
            value_stories=[{"id": foreign.pk, "cycle": "expected", "text": "Gekaapt"}],
        )

    foreign.refresh_from_db()
    assert foreign.text == "Van een ander"


def test_an_edit_keeps_instruments_the_editor_cannot_see(community, facilitator, member, provider):
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)
    published = InstrumentFactory(n="openbaar")
    entry = make_entry(community=community, author=member, instruments=[published])
    entry.instruments.add(draft)  # linked while it was visible, say

    journal_entry_update(user=facilitator, entry=entry, **_fields(entry), instruments=[])

    assert list(entry.instruments.all()) == [draft]


@pytest.mark.parametrize("role", ["member", "observer", "outsider"])
def test_only_the_author_and_facilitators_change_an_entry(request, community, facilitator, role):
    entry = make_entry(community=community, author=facilitator)
    user = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        journal_entry_update(user=user, entry=entry, **_fields(entry, title="Anders"))
    with pytest.raises(PermissionDenied):
        journal_entry_delete(user=user, entry=entry)

    entry.refresh_from_db()
    assert entry.title != "Anders"


def test_a_facilitator_changes_a_members_entry(community, facilitator, member):
    entry = make_entry(community=community, author=member)

    journal_entry_update(user=facilitator, entry=entry, **_fields(entry, title="Aangevuld"))

    entry.refresh_from_db()
    assert entry.title == "Aangevuld"
    assert entry.author == member


def test_deleting_an_entry_removes_its_stories_and_attachment_files(
    community, member, pdf, media_root, django_capture_on_commit_callbacks
):
    entry = make_entry(
        community=community,
        author=member,
        value_stories=[{"cycle": "expected", "text": "Verwachting"}],
    )
    attachment = journal_attachment_add(
        user=member,
        entry=entry,
        title="Verslag",
        uploaded_file=pdf,
        content_type="application/pdf",
    )
    path = media_root / attachment.file.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        journal_entry_delete(user=member, entry=entry)

    assert not JournalEntry.objects.exists()
    assert not ValueStory.objects.exists()
    assert not path.exists()


def test_attachments_are_stored_under_an_unguessable_path(community, member, pdf):
    entry = make_entry(community=community, author=member)

    attachment = journal_attachment_add(
        user=member,
        entry=entry,
        title="Verslag",
        uploaded_file=pdf,
        content_type="application/pdf",
    )

    parts = attachment.file.name.split("/")
    assert parts[:2] == ["attachments", "journal"]
    assert len(parts[3]) >= 16 and parts[-1] == "verslag.pdf"
    assert attachment.size == pdf.size


def test_followers_of_the_community_are_notified_of_a_new_entry(community, member, observer):
    from notifications.models import Notification
    from notifications.services import follow_create

    follow_create(user=observer, target=community)

    entry = make_entry(community=community, author=member)

    notification = Notification.objects.get()
    assert notification.recipient == observer
    assert notification.journal_entry == entry
