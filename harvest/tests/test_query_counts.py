"""ListRecords and ListIdentifiers pages run a fixed number of queries, however many
records they hold. A change in these numbers is a reviewed decision."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harvest.tests.conftest import NS, parse
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db
URL = "/oai"


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        parse(client.get(URL, params))
    return len(queries)


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        # 1 count of instruments, 1 count of tombstones, 1 page of instruments with
        # organisation and owner, 1 phase links, 1 sector links with sectors, 1 related
        # published instruments, 1 page of tombstones.
        ("ListRecords", 7),
        # The same without organisation, owner and related instruments.
        ("ListIdentifiers", 6),
    ],
)
def test_a_list_page_costs_a_fixed_number_of_queries(client, library, settings, verb, expected):
    settings.OAI_PAGE_SIZE = 3
    params = {"verb": verb, "metadataPrefix": "oai_dc"}
    small = _queries(client, params)
    for i in range(12):
        InstrumentFactory(
            n=f"more{i}", phases=["starten", "ontwerpen"], related=["instrument-pub1"]
        )
    settings.OAI_PAGE_SIZE = 12

    root = parse(client.get(URL, params))
    assert len(root.findall(".//oai:header", NS)) == 12
    assert _queries(client, params) == small == expected


def test_a_resumed_page_costs_the_same(client, library, settings):
    settings.OAI_PAGE_SIZE = 3
    first = parse(client.get(URL, {"verb": "ListRecords", "metadataPrefix": "oai_dc"}))
    token = first.find(".//oai:resumptionToken", NS).text

    # As the first page: the token replaces the arguments, it adds no query.
    assert _queries(client, {"verb": "ListRecords", "resumptionToken": token}) == 7


def test_get_record_costs_a_fixed_number_of_queries(client, library, django_assert_num_queries):
    slug = library.published[0].slug
    params = {
        "verb": "GetRecord", "identifier": f"oai:127.0.0.1:instrument:{slug}",
        "metadataPrefix": "oai_dc",
    }  # fmt: skip

    # 1 instrument with organisation and owner, 1 phases, 1 sectors, 1 related.
    with django_assert_num_queries(4):
        parse(client.get(URL, params))
