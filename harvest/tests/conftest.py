"""A small public library with everything a harvester must tell apart: published
instruments in several phases and sectors, drafts, and instruments that left the
library (deleted, or taken back to draft)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lxml import etree

from instruments.constants import Status
from instruments.models import Instrument, Organisation
from instruments.selectors import instrument_record
from instruments.services import instrument_update
from instruments.tests.factories import InstrumentFactory

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
NS = {"oai": OAI, "oai_dc": OAI_DC, "dc": DC}
HOST = "127.0.0.1"  # the host of the test SITE_URL, the namespace of identifiers


def oai_id(slug: str) -> str:
    return f"oai:{HOST}:instrument:{slug}"


def parse(response) -> etree._Element:
    """The response as XML, after checking what every OAI-PMH response must carry."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{OAI}}}OAI-PMH"
    return root


def error_code(response) -> str:
    errors = parse(response).findall("oai:error", NS)
    assert len(errors) == 1, etree.tostring(parse(response))
    return errors[0].get("code")


def take_back_to_draft(instrument: Instrument, owner) -> Instrument:
    record = {**instrument_record(instrument), "status": Status.DRAFT.value}
    return instrument_update(user=owner, instrument=instrument, record=record)


@dataclass
class Library:
    published: list[Instrument]
    drafts: list[Instrument]
    deleted_slugs: list[str]
    drafted_slugs: list[str]

    @property
    def live_ids(self) -> set[str]:
        return {oai_id(i.slug) for i in self.published}

    @property
    def gone_ids(self) -> set[str]:
        return {oai_id(slug) for slug in self.deleted_slugs + self.drafted_slugs}


@pytest.fixture
def library(provider) -> Library:
    organisation = Organisation.objects.create(name="Lectoraat Samen Leren", slug="lectoraat")
    shapes = [
        (["starten"], ["energie"]),
        (["starten", "ontwerpen"], ["zorg-welzijn"]),
        (["ontwerpen"], ["energie", "ict"]),
        (["uitvoeren"], ["onderwijs"]),
        (["verduurzamen"], ["energie"]),
        (["uitvoeren", "verduurzamen"], ["ict"]),
        (["starten"], []),
    ]
    published = [
        InstrumentFactory(owner=provider, n=f"pub{i}", phases=phases, sectors=sectors)
        for i, (phases, sectors) in enumerate(shapes)
    ]
    first = published[0]
    first.organisation = organisation
    first.licence = "CC BY-SA 4.0"
    first.save(update_fields=["organisation", "licence"])
    drafts = [
        InstrumentFactory(owner=provider, n=f"draft{i}", status="draft", sectors=["geheim"])
        for i in range(2)
    ]
    # A link to a draft must not surface as a relation: its page is a 404.
    linked = {**instrument_record(first), "related": [published[1].slug, drafts[0].slug]}
    first = instrument_update(user=provider, instrument=first, record=linked)
    published[0] = first
    leaving = InstrumentFactory(owner=provider, n="gone", phases=["ontwerpen"], sectors=["water"])
    leaving.delete()
    drafted = InstrumentFactory(owner=provider, n="back", phases=["uitvoeren"], sectors=["ict"])
    take_back_to_draft(drafted, provider)
    never = InstrumentFactory(owner=provider, n="never", status="draft")
    never.delete()
    return Library(
        published=published,
        drafts=drafts + [Instrument.objects.get(slug=drafted.slug)],
        deleted_slugs=[leaving.slug],
        drafted_slugs=[drafted.slug],
    )
