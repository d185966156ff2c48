"""Every instrument of the shipped demo library has its page, in Dutch and in English."""

from __future__ import annotations

import json

import pytest

from library.services import DEMO_DIR

pytestmark = pytest.mark.django_db

DEMO_SLUGS = [record["id"] for record in json.loads((DEMO_DIR / "instruments.json").read_text())]
CONCEPT_SLUGS = [record["id"] for record in json.loads((DEMO_DIR / "concepts.json").read_text())]


def test_every_demo_instrument_and_concept_has_its_page(client, full_library):
    for slug in DEMO_SLUGS:
        response = client.get(f"/instrumenten/{slug}/")
        assert response.status_code == 200, slug
    for slug in CONCEPT_SLUGS:
        assert client.get(f"/begrippen/{slug}/").status_code == 200, slug


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/fasen/starten/",
        "/fasen/ontwerpen/",
        "/fasen/uitvoeren/",
        "/fasen/verduurzamen/",
        "/instrumenten/",
        "/instrumenten/?fase=uitvoeren&soort=werkvorm&sector=algemeen&doelgroep=facilitator",
        "/instrumenten/?page=4",
        "/begrippen/",
    ],
)
def test_phase_and_facet_pages_answer_in_both_languages(client, full_library, prefix, path):
    response = client.get(prefix + path)

    assert response.status_code == 200
    assert f'<html lang="{prefix.strip("/") or "nl"}"' in response.content.decode()
