"""Every protocol error is an ``<error code=...>`` in a 200 XML response.

For badVerb and badArgument the request element carries no attributes (section 3.2).
"""

from __future__ import annotations

import time
from unittest import mock

import pytest

from harvest.tests.conftest import NS, error_code, oai_id, parse

pytestmark = pytest.mark.django_db
URL = "/oai"


def _first_token(client, verb="ListIdentifiers") -> str:
    root = parse(client.get(URL, {"verb": verb, "metadataPrefix": "oai_dc"}))
    return root.find(".//oai:resumptionToken", NS).text


@pytest.mark.parametrize(
    "query",
    ["", "?verb=Harvest", "?verb=Identify&verb=ListSets", "?verb=identify"],
    ids=["missing", "unknown", "repeated", "wrong-case"],
)
def test_it_answers_bad_verb(client, query):
    response = client.get(URL + query)

    assert error_code(response) == "badVerb"
    assert parse(response).find("oai:request", NS).attrib == {}


@pytest.mark.parametrize(
    "query",
    [
        "?verb=ListRecords",
        "?verb=GetRecord&metadataPrefix=oai_dc",
        "?verb=GetRecord&identifier=x",
        "?verb=Identify&metadataPrefix=oai_dc",
        "?verb=ListRecords&metadataPrefix=oai_dc&colour=blue",
        "?verb=ListRecords&metadataPrefix=oai_dc&set=phase:starten&set=phase:ontwerpen",
        "?verb=ListRecords&metadataPrefix=oai_dc&from=yesterday",
        "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-30",
        "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-1-5",
        "?verb=ListRecords&metadataPrefix=oai_dc&until=2024-01-01T10:00:00",
        "?verb=ListRecords&metadataPrefix=oai_dc&until=2024-01-01T10:00:00.5Z",
        "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01",
        "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z",
        "?verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc",
        "?verb=ListIdentifiers&resumptionToken=abc&set=phase:starten",
    ],
    ids=[
        "missing-prefix",
        "missing-identifier",
        "missing-prefix-getrecord",
        "argument-for-identify",
        "unknown-argument",
        "repeated-argument",
        "bad-date",
        "impossible-date",
        "short-date",
        "no-zone",
        "fractions",
        "from-after-until",
        "mixed-granularity",
        "token-with-prefix",
        "token-with-set",
    ],
)
def test_it_answers_bad_argument(client, query):
    response = client.get(URL + query)

    assert error_code(response) == "badArgument"
    assert parse(response).find("oai:request", NS).attrib == {}


def test_it_rejects_a_forged_or_edited_token(client, library, settings):
    settings.OAI_PAGE_SIZE = 2
    token = _first_token(client)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    for bad in ("nonsense", forged):
        response = client.get(URL, {"verb": "ListIdentifiers", "resumptionToken": bad})
        assert error_code(response) == "badResumptionToken"
        request = parse(response).find("oai:request", NS)
        assert request.get("resumptionToken") == bad


def test_it_rejects_an_expired_token(client, library, settings):
    settings.OAI_PAGE_SIZE = 2
    token = _first_token(client)
    later = time.time() + settings.OAI_RESUMPTION_TOKEN_MAX_AGE + 60

    with mock.patch("time.time", return_value=later):
        response = client.get(URL, {"verb": "ListIdentifiers", "resumptionToken": token})

    assert error_code(response) == "badResumptionToken"


def test_it_rejects_a_token_of_another_verb(client, library, settings):
    settings.OAI_PAGE_SIZE = 2
    token = _first_token(client, "ListIdentifiers")

    response = client.get(URL, {"verb": "ListRecords", "resumptionToken": token})

    assert error_code(response) == "badResumptionToken"


def test_list_sets_has_no_tokens_to_resume(client):
    response = client.get(URL, {"verb": "ListSets", "resumptionToken": "x"})

    assert error_code(response) == "badResumptionToken"


@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_it_cannot_disseminate_other_formats_in_lists(client, library, verb):
    response = client.get(URL, {"verb": verb, "metadataPrefix": "marc21"})

    assert error_code(response) == "cannotDisseminateFormat"


def test_it_cannot_disseminate_other_formats_of_a_record(client, library):
    identifier = oai_id(library.published[0].slug)

    response = client.get(
        URL, {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": "lom"}
    )

    assert error_code(response) == "cannotDisseminateFormat"


@pytest.mark.parametrize("verb", ["GetRecord", "ListMetadataFormats"])
def test_drafts_and_strangers_do_not_exist(client, library, verb):
    """A draft looks exactly like an identifier that was never issued."""
    unknown = [
        oai_id(library.drafts[0].slug),
        oai_id("no-such-instrument"),
        f"oai:example.org:instrument:{library.published[0].slug}",
        "oai:127.0.0.1:instrument",
        "not-an-oai-identifier",
    ]
    for identifier in unknown:
        params = {"verb": verb, "identifier": identifier}
        if verb == "GetRecord":
            params["metadataPrefix"] = "oai_dc"
        assert error_code(client.get(URL, params)) == "idDoesNotExist", identifier


@pytest.mark.parametrize(
    "extra",
    [{"from": "2999-01-01"}, {"until": "2000-01-01"}, {"set": "phase:dromen"}, {"set": "kleur"}],
)
def test_it_answers_no_records_match(client, library, extra):
    params = {"verb": "ListRecords", "metadataPrefix": "oai_dc", **extra}

    response = client.get(URL, params)

    assert error_code(response) == "noRecordsMatch"
    assert parse(response).find("oai:request", NS).attrib == {
        "verb": "ListRecords",
        **{"metadataPrefix": "oai_dc", **extra},
    }


def test_other_methods_are_not_allowed(client):
    assert client.put(URL + "?verb=Identify").status_code == 405
