from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from instruments import services
from instruments.constants import Status
from instruments.models import Instrument, InstrumentRevision
from instruments.selectors import instrument_record
from instruments.tests.factories import InstrumentFactory
from instruments.tests.factories import instrument_record as make_record
from knowledge.tests.factories import make_concept

pytestmark = pytest.mark.django_db


def test_creating_an_instrument_stores_revision_one_and_the_owner(provider):
    record = make_record(n="nieuw")
    record.pop("id")

    instrument = services.instrument_create(user=provider, record_without_id=record)

    assert instrument.slug == "instrument-nieuw"
    assert instrument.owner == provider
    revision = instrument.revisions.get()
    assert revision.number == 1
    assert revision.author == provider
    assert revision.data["title"] == "Instrument nieuw"


def test_a_second_instrument_with_the_same_title_gets_its_own_slug(provider):
    record = make_record(n="dubbel")
    record.pop("id")

    first = services.instrument_create(user=provider, record_without_id=record)
    second = services.instrument_create(user=provider, record_without_id=record)

    assert first.slug == "instrument-dubbel"
    assert second.slug == "instrument-dubbel-2"


def test_every_edit_is_a_new_revision_and_an_unchanged_save_is_not(provider):
    instrument = InstrumentFactory(owner=provider)
    record = instrument_record(instrument)

    services.instrument_update(
        user=provider, instrument=instrument, record={**record, "title": "Nieuwe titel"}
    )
    services.instrument_update(
        user=provider, instrument=instrument, record={**record, "title": "Nieuwe titel"}
    )

    numbers = list(instrument.revisions.values_list("number", flat=True))
    assert numbers == [2, 1]
    assert instrument.revisions.get(number=2).data["title"] == "Nieuwe titel"


def test_list_order_of_sectors_audience_and_related_is_kept(provider):
    a = InstrumentFactory(n="a")
    b = InstrumentFactory(n="b")
    instrument = InstrumentFactory(
        owner=provider,
        sectors=["zorg-welzijn", "energie", "algemeen"],
        audience=["stuurgroep", "facilitator"],
        related=[b.slug, a.slug],
    )

    record = instrument_record(instrument)

    assert record["sectors"] == ["zorg-welzijn", "energie", "algemeen"]
    assert record["audience"] == ["stuurgroep", "facilitator"]
    assert record["related"] == [b.slug, a.slug]


def test_only_the_owner_or_staff_may_edit(provider, other_provider, staff):
    instrument = InstrumentFactory(owner=provider)
    record = instrument_record(instrument)

    with pytest.raises(PermissionDenied):
        services.instrument_update(user=other_provider, instrument=instrument, record=record)
    services.instrument_update(
        user=staff, instrument=instrument, record={**record, "title": "Door staf"}
    )

    assert Instrument.objects.get(pk=instrument.pk).title == "Door staf"


def test_only_providers_may_create(outsider):
    record = make_record()
    record.pop("id")

    with pytest.raises(PermissionDenied):
        services.instrument_create(user=outsider, record_without_id=record)
    assert not InstrumentRevision.objects.exists()


def test_an_invalid_kind_is_refused_and_nothing_is_written(provider):
    record = make_record(kind="poster")
    record.pop("id")

    with pytest.raises(ValidationError):
        services.instrument_create(user=provider, record_without_id=record)
    assert not Instrument.objects.exists()


def test_concepts_named_in_the_text_are_linked():
    concept = make_concept(term="Boundary crossing", term_en="Boundary crossing")
    other = make_concept(term="Collusie", term_en="Collusion")

    instrument = InstrumentFactory(summary="Leren door boundary crossing tussen organisaties.")

    assert list(instrument.concepts.all()) == [concept]
    assert other not in instrument.concepts.all()


def test_drafts_are_visible_to_their_owner_and_staff_only(provider, other_provider, staff):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)

    assert draft in Instrument.objects.visible_to(provider)
    assert draft in Instrument.objects.visible_to(staff)
    assert draft not in Instrument.objects.visible_to(other_provider)
    assert draft not in Instrument.objects.visible_to(None)


def test_audiences_that_differ_only_in_case_get_their_own_codes():
    InstrumentFactory(n="een", audience=["docent"])
    instrument = InstrumentFactory(n="twee", audience=["Docent"])

    assert instrument_record(instrument)["audience"] == ["Docent"]
    slugs = sorted(link.audience.slug for link in instrument.audience_links.all())
    assert slugs == ["docent-2"]


def test_when_to_use_round_trips_through_the_record_and_is_left_out_when_empty(provider):
    situation = "Iedereen is het eens, maar er gebeurt niets."
    instrument = InstrumentFactory(owner=provider, when_to_use=situation)

    record = instrument_record(instrument)

    assert instrument.when_to_use == situation
    assert record["when_to_use"] == situation
    assert list(record).index("when_to_use") == list(record).index("description") + 1
    services.instrument_update(
        user=provider, instrument=instrument, record={**record, "when_to_use": ""}
    )
    instrument.refresh_from_db()
    assert instrument.when_to_use == ""
    assert "when_to_use" not in instrument_record(instrument)
    assert "when_to_use" not in instrument.revisions.get(number=2).data
