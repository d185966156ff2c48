"""The six verbs answered with the Django test client: structure, namespaces, data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from lxml import etree

from harvest.tests.conftest import DC, NS, OAI, OAI_DC, oai_id, parse

pytestmark = pytest.mark.django_db
URL = "/oai"
UTC_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


def _utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, UTC_SECONDS).replace(tzinfo=dt.UTC)


def test_identify_describes_the_repository(client, library):
    root = parse(client.get(URL, {"verb": "Identify"}))

    _utc(root.findtext("oai:responseDate", namespaces=NS))
    request = root.find("oai:request", NS)
    assert request.attrib == {"verb": "Identify"}
    assert request.text == settings.SITE_URL + "/oai"
    identify = root.find("oai:Identify", NS)
    assert [etree.QName(child).localname for child in identify] == [
        "repositoryName", "baseURL", "protocolVersion", "adminEmail", "earliestDatestamp",
        "deletedRecord", "granularity",
    ]  # fmt: skip
    assert identify.findtext("oai:baseURL", namespaces=NS) == settings.SITE_URL + "/oai"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    # The emailType pattern of OAI-PMH.xsd.
    assert re.fullmatch(r"\S+@(\S+\.)+\S+", identify.findtext("oai:adminEmail", namespaces=NS))
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    earliest = _utc(identify.findtext("oai:earliestDatestamp", namespaces=NS))
    assert earliest <= min(i.updated_at for i in library.published)


def test_identify_takes_the_admin_email_from_settings(client, settings):
    settings.OAI_ADMIN_EMAIL = "bibliotheek@example.org"

    root = parse(client.get(URL, {"verb": "Identify"}))

    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "bibliotheek@example.org"


def test_a_development_sender_becomes_a_schema_valid_placeholder(client, settings):
    settings.OAI_ADMIN_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "Samenspel <noreply@localhost>"

    root = parse(client.get(URL, {"verb": "Identify"}))

    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "noreply@localhost.invalid"


def test_list_metadata_formats_offers_oai_dc(client, library):
    for params in ({}, {"identifier": oai_id(library.published[0].slug)}):
        root = parse(client.get(URL, {"verb": "ListMetadataFormats", **params}))
        formats = root.findall(".//oai:metadataFormat", NS)
        assert [f.findtext("oai:metadataPrefix", namespaces=NS) for f in formats] == ["oai_dc"]
        assert formats[0].findtext("oai:metadataNamespace", namespaces=NS) == OAI_DC
        assert formats[0].findtext("oai:schema", namespaces=NS) == (
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        )


def test_list_sets_names_phases_and_public_sectors_in_dutch(client, library):
    root = parse(client.get(URL, {"verb": "ListSets"}))

    sets = {
        s.findtext("oai:setSpec", namespaces=NS): s.findtext("oai:setName", namespaces=NS)
        for s in root.findall(".//oai:set", NS)
    }
    assert sets["phase:starten"] == "Starten"
    assert sets["phase:uitvoeren"] == "Uitvoeren"
    assert sets["sector:energie"] == "Energie"
    assert sets["sector:zorg-welzijn"] == "Zorg en welzijn"
    assert {"phase", "sector"} <= sets.keys()
    # Only drafts use the "geheim" sector: its name does not leak.
    assert "sector:geheim" not in sets


def test_get_record_writes_oai_dc(client, library):
    instrument = library.published[0]
    identifier = oai_id(instrument.slug)

    root = parse(
        client.get(URL, {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": "oai_dc"})
    )

    assert root.find("oai:request", NS).attrib == {
        "verb": "GetRecord", "identifier": identifier, "metadataPrefix": "oai_dc",
    }  # fmt: skip
    record = root.find("oai:GetRecord/oai:record", NS)
    header = record.find("oai:header", NS)
    assert header.get("status") is None
    assert header.findtext("oai:identifier", namespaces=NS) == identifier
    assert header.findtext("oai:datestamp", namespaces=NS) == instrument.updated_at.astimezone(
        dt.UTC
    ).strftime(UTC_SECONDS)
    assert [s.text for s in header.findall("oai:setSpec", NS)] == [
        "phase:starten", "sector:energie",
    ]  # fmt: skip
    dc = record.find("oai:metadata/oai_dc:dc", NS)
    assert dc.nsmap["dc"] == DC
    schema = dc.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert schema == f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

    def values(name: str) -> list[str]:
        return [e.text for e in dc.findall(f"dc:{name}", NS)]

    titles = {e.get("{http://www.w3.org/XML/1998/namespace}lang"): e.text for e in dc.findall(
        "dc:title", NS)}  # fmt: skip
    assert titles == {"nl": instrument.title, "en": instrument.title_en}
    assert values("description") == [instrument.summary]
    assert values("creator") == ["Lectoraat Samen Leren"]
    assert values("publisher") == ["Samenspel"]
    assert values("rights") == ["CC BY-SA 4.0"]
    assert values("language") == ["nl"]
    assert values("type") == ["Checklist"]
    assert {"samenwerken", "Starten", "Energie"} <= set(values("subject"))
    assert values("identifier") == [f"{settings.SITE_URL}/instrumenten/{instrument.slug}/"]
    # The related draft is left out; only the published neighbour is a relation.
    assert values("relation") == [f"{settings.SITE_URL}/instrumenten/{library.published[1].slug}/"]
    assert values("date") == [header.findtext("oai:datestamp", namespaces=NS)]


def test_get_record_of_a_gone_instrument_is_a_deleted_header(client, library):
    for slug in library.deleted_slugs + library.drafted_slugs:
        params = {"verb": "GetRecord", "identifier": oai_id(slug), "metadataPrefix": "oai_dc"}
        record = parse(client.get(URL, params)).find(".//oai:record", NS)
        assert record.find("oai:header", NS).get("status") == "deleted"
        assert record.find("oai:metadata", NS) is None


def test_the_page_url_is_dutch_whatever_the_harvester_prefers(client, library):
    slug = library.published[0].slug
    params = {"verb": "GetRecord", "identifier": oai_id(slug), "metadataPrefix": "oai_dc"}

    root = parse(client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en"))

    assert root.findtext(".//dc:identifier", namespaces=NS).endswith(f"/instrumenten/{slug}/")
    assert root.findtext(".//oai_dc:dc/dc:type", namespaces=NS) == "Checklist"


def test_post_is_answered_like_get(client, library):
    params = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "sector:energie"}

    by_get = parse(client.get(URL, params))
    by_post = parse(client.post(URL, params))  # form-encoded, no CSRF token

    def ids(root):
        return [e.text for e in root.iter(f"{{{OAI}}}identifier")]

    assert ids(by_post) == ids(by_get)
    assert by_post.find("oai:request", NS).attrib == {
        "verb": "ListIdentifiers",
        **{"metadataPrefix": "oai_dc", "set": "sector:energie"},
    }


def test_a_single_page_has_no_resumption_token(client, library):
    root = parse(client.get(URL, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))

    assert root.find(".//oai:resumptionToken", NS) is None
    assert len(root.findall(".//oai:header", NS)) == len(library.published) + 2


def test_text_that_xml_cannot_carry_is_dropped(client, library):
    instrument = library.published[2]
    instrument.summary = "Samen\x0b leren & <werken>"
    instrument.save(update_fields=["summary"])
    params = {
        "verb": "GetRecord",
        "identifier": oai_id(instrument.slug),
        "metadataPrefix": "oai_dc",
    }

    root = parse(client.get(URL, params))

    assert root.findtext(".//dc:description", namespaces=NS) == "Samen leren & <werken>"
