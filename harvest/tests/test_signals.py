"""Tombstones follow an instrument in and out of the public library, whatever path
(edit service, admin, delete) it takes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harvest.models import DeletedRecord
from harvest.tests.conftest import take_back_to_draft
from instruments.selectors import instrument_record
from instruments.services import instrument_update
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def test_taking_a_published_instrument_back_to_draft_leaves_a_tombstone(provider):
    instrument = InstrumentFactory(
        owner=provider, phases=["verduurzamen", "starten"], sectors=["water", "ict"]
    )

    take_back_to_draft(instrument, provider)

    tombstone = DeletedRecord.objects.get(slug=instrument.slug)
    assert tombstone.kind == "instrument"
    # The sets it was in while published, phases in their natural order.
    assert tombstone.set_spec_list == [
        "phase:starten", "phase:verduurzamen", "sector:water", "sector:ict",
    ]  # fmt: skip


def test_republishing_removes_the_tombstone(provider):
    instrument = InstrumentFactory(owner=provider)
    instrument = take_back_to_draft(instrument, provider)

    record = {**instrument_record(instrument), "status": "published"}
    instrument_update(user=provider, instrument=instrument, record=record)

    assert not DeletedRecord.objects.exists()


def test_deleting_a_published_instrument_leaves_a_tombstone(provider):
    instrument = InstrumentFactory(owner=provider, sectors=["energie"])
    slug = instrument.slug

    instrument.delete()

    assert DeletedRecord.objects.get(slug=slug).set_spec_list == ["phase:starten", "sector:energie"]


def test_drafts_never_leave_tombstones(provider):
    draft = InstrumentFactory(owner=provider, status="draft")
    draft = take_back_to_draft(draft, provider)
    draft.delete()

    assert not DeletedRecord.objects.exists()


def test_editing_a_published_instrument_leaves_no_tombstone(provider):
    instrument = InstrumentFactory(owner=provider)

    record = {**instrument_record(instrument), "title": "Nieuwe titel"}
    instrument_update(user=provider, instrument=instrument, record=record)

    assert not DeletedRecord.objects.exists()


def test_leaving_again_moves_the_tombstone_forward(provider):
    instrument = InstrumentFactory(owner=provider)
    instrument = take_back_to_draft(instrument, provider)
    first = DeletedRecord.objects.get().deleted_at
    record = {**instrument_record(instrument), "status": "published"}
    instrument = instrument_update(user=provider, instrument=instrument, record=record)

    instrument.delete()

    assert DeletedRecord.objects.get().deleted_at > first


def test_saves_that_do_not_touch_the_status_cost_no_lookup(provider):
    instrument = InstrumentFactory(owner=provider, status="draft")

    with CaptureQueriesContext(connection) as queries:
        instrument.save(update_fields=["title"])

    # Other apps index the save; the harvest receivers add no status lookup to it.
    status_lookup = 'SELECT "instruments_instrument"."status"'
    assert not [q for q in queries.captured_queries if q["sql"].startswith(status_lookup)]
