"""Harvest the endpoint completely with Sickle, an independent OAI-PMH client, over
HTTP against the live server, with pages small enough that several resumption tokens
are followed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from lxml import etree
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from harvest.tests.conftest import NS, OAI, oai_id
from instruments.models import Instrument

PAGE = 2


@pytest.fixture
def harvester(live_server, library, settings) -> Sickle:
    settings.OAI_PAGE_SIZE = PAGE
    return Sickle(live_server.url + "/oai", max_retries=0, timeout=30)


def _headers(harvester, verb="ListIdentifiers", **arguments) -> Counter:
    """identifier -> times seen, with "deleted" recorded as a separate key."""
    seen = Counter()
    for item in getattr(harvester, verb)(
        metadataPrefix="oai_dc", ignore_deleted=False, **arguments
    ):
        header = item if verb == "ListIdentifiers" else item.header
        seen[(header.identifier, header.deleted)] += 1
    return seen


def test_a_full_harvest_sees_every_public_record_exactly_once(harvester, library):
    seen = _headers(harvester, "ListRecords")

    assert set(seen.values()) == {1}
    assert {i for i, deleted in seen if not deleted} == library.live_ids
    assert {i for i, deleted in seen if deleted} == library.gone_ids
    drafts = {oai_id(d.slug) for d in library.drafts} - library.gone_ids
    assert not drafts & {i for i, _deleted in seen}


def test_each_page_is_well_formed_and_the_tokens_count_up(harvester, library):
    raw = Sickle(harvester.endpoint, iterator=OAIResponseIterator, max_retries=0, timeout=30)
    pages = list(raw.ListRecords(metadataPrefix="oai_dc"))
    total = len(library.live_ids | library.gone_ids)

    assert len(pages) == -(-total // PAGE) >= 3
    cursors = []
    for number, page in enumerate(pages):
        root = etree.fromstring(page.raw.encode("utf-8"))
        assert root.tag == f"{{{OAI}}}OAI-PMH"
        dt.datetime.strptime(root.findtext("oai:responseDate", namespaces=NS), "%Y-%m-%dT%H:%M:%SZ")
        request = root.find("oai:request", NS)
        expected = {"verb": "ListRecords"}
        expected.update({"resumptionToken": page.params["resumptionToken"]} if number else {
            "metadataPrefix": "oai_dc"})  # fmt: skip
        assert request.attrib == expected
        records = root.findall("oai:ListRecords/oai:record", NS)
        assert 1 <= len(records) <= PAGE
        for record in records:
            deleted = record.find("oai:header", NS).get("status") == "deleted"
            assert (record.find("oai:metadata/oai_dc:dc", NS) is None) == deleted
        token = root.find("oai:ListRecords/oai:resumptionToken", NS)
        assert token.get("completeListSize") == str(total)
        cursors.append(int(token.get("cursor")))
        assert bool(token.text) == (number < len(pages) - 1)
    assert cursors == [PAGE * n for n in range(len(pages))]


def test_records_carry_dublin_core(harvester, library):
    records = {r.header.identifier: r for r in harvester.ListRecords(metadataPrefix="oai_dc")}

    for instrument in library.published:
        metadata = records[oai_id(instrument.slug)].metadata
        assert instrument.title in metadata["title"]
        assert metadata["description"] == [instrument.summary]
        assert metadata["publisher"] == ["Samenspel"]
        assert metadata["identifier"][0].endswith(f"/instrumenten/{instrument.slug}/")


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_every_set_harvests_what_it_promises(harvester, library, verb):
    specs = [s.setSpec for s in harvester.ListSets()]
    assert "phase:starten" in specs and "sector:energie" in specs

    for spec in specs:
        expected = set()
        for instrument in Instrument.objects.published().prefetch_related("phase_links"):
            sets = {f"phase:{p}" for p in instrument.phase_values} | {
                f"sector:{s}"
                for s in instrument.sector_links.values_list("sector__slug", flat=True)
            }
            if spec in sets or any(s.startswith(spec + ":") for s in sets):
                expected.add((oai_id(instrument.slug), False))
        if spec in ("phase", "phase:ontwerpen", "sector", "sector:water"):
            expected.add((oai_id(library.deleted_slugs[0]), True))
        if spec in ("phase", "phase:uitvoeren", "sector", "sector:ict"):
            expected.add((oai_id(library.drafted_slugs[0]), True))
        try:
            seen = _headers(harvester, verb, set=spec)
        except NoRecordsMatch:
            seen = Counter()
        assert set(seen.values()) <= {1}, spec
        assert set(seen) == expected, spec


def test_from_and_until_select_by_datestamp(harvester, library):
    old, middle = library.published[:2], library.published[2:4]
    Instrument.objects.filter(pk__in=[i.pk for i in old]).update(
        updated_at=dt.datetime(2020, 3, 1, 12, 0, 0, 500000, tzinfo=dt.UTC)
    )
    Instrument.objects.filter(pk__in=[i.pk for i in middle]).update(
        updated_at=dt.datetime(2021, 6, 15, 8, 30, 0, tzinfo=dt.UTC)
    )
    ids = {"old": {oai_id(i.slug) for i in old}, "middle": {oai_id(i.slug) for i in middle}}

    def harvest(**bounds) -> set[str]:
        return {identifier for identifier, _deleted in _headers(harvester, **bounds)}

    assert harvest(until="2020-12-31") == ids["old"]
    # The datestamp is truncated to the second, so until= that second includes it.
    assert harvest(until="2020-03-01T12:00:00Z") == ids["old"]
    assert harvest(**{"from": "2021-06-15", "until": "2021-06-15"}) == ids["middle"]
    assert (
        harvest(**{"from": "2021-06-15T08:30:00Z", "until": "2021-06-15T08:30:00Z"})
        == (ids["middle"])
    )
    recent = harvest(**{"from": "2022-01-01"})
    assert recent == (library.live_ids - ids["old"] - ids["middle"]) | library.gone_ids
    with pytest.raises(NoRecordsMatch):
        harvest(until="2020-03-01T11:59:59Z")


def test_get_record_and_unknown_identifiers(harvester, library):
    instrument = library.published[0]

    record = harvester.GetRecord(identifier=oai_id(instrument.slug), metadataPrefix="oai_dc")
    gone = harvester.GetRecord(identifier=oai_id(library.deleted_slugs[0]), metadataPrefix="oai_dc")

    assert record.metadata["title"] == [instrument.title, instrument.title_en]
    assert record.header.setSpecs == ["phase:starten", "sector:energie"]
    assert gone.header.deleted
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier=oai_id(library.drafts[0].slug), metadataPrefix="oai_dc")


def test_identify_over_http(harvester):
    identify = harvester.Identify()

    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"


def test_paging_stays_stable_while_records_change(harvester, library):
    """Records edited mid-harvest wait for the next incremental harvest; the others
    are each delivered once, and a harvest from the start moment picks the edits up."""
    iterator = harvester.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False)
    first_page = [next(iterator) for _ in range(PAGE)]
    started = iterator.oai_response.xml.findtext(f"{{{OAI}}}responseDate")
    delivered = {h.identifier for h in first_page}
    by_id = {oai_id(i.slug): i for i in library.published}
    done = next(i for i in by_id if i in delivered)
    waiting = next(i for i in sorted(by_id) if i not in delivered)
    for identifier in (done, waiting):
        instrument = Instrument.objects.get(slug=by_id[identifier].slug)
        instrument.save(update_fields=["updated_at"])

    rest = [h.identifier for h in iterator]

    everything = [h.identifier for h in first_page] + rest
    assert len(everything) == len(set(everything))
    assert set(everything) == (library.live_ids | library.gone_ids) - {waiting}
    later = {i for i, _d in _headers(harvester, **{"from": started})}
    assert {done, waiting} <= later
