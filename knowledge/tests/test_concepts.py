from __future__ import annotations

import pytest

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from knowledge.tests.factories import make_concept

pytestmark = pytest.mark.django_db


def test_concept_list_and_page_render(client):
    concept = make_concept(
        term="Wederzijdse afhankelijkheid", definition="Partijen **hebben** elkaar nodig."
    )

    listing = client.get("/begrippen/")
    page = client.get(concept.get_absolute_url())

    assert listing.status_code == 200 and "Wederzijdse afhankelijkheid" in listing.content.decode()
    assert page.status_code == 200
    assert "<strong>hebben</strong>" in page.content.decode()


def test_concept_page_lists_instruments_that_use_it_but_not_drafts(client, provider):
    concept = make_concept(term="Collusie", term_en="Collusion")
    InstrumentFactory(n="zicht", title="Patronen herkennen", summary="Over collusie in teams.")
    InstrumentFactory(
        n="verborgen",
        title="Geheim ontwerp",
        summary="Ook collusie.",
        status=Status.DRAFT,
        owner=provider,
    )

    html = client.get(concept.get_absolute_url()).content.decode()

    assert "Patronen herkennen" in html
    assert "Geheim ontwerp" not in html


def test_editing_a_concept_needs_an_account(client):
    concept = make_concept()

    response = client.get(f"{concept.get_absolute_url()}bewerken/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_an_edit_makes_a_revision_that_can_be_compared(outsider_client, outsider):
    concept = make_concept(term="Praktijk", definition="Oude definitie.")

    response = outsider_client.post(
        f"{concept.get_absolute_url()}bewerken/",
        {
            "term": "Praktijk",
            "term_en": "Practice",
            "definition": "Nieuwe definitie.",
            "note": "scherper",
        },
    )

    assert response.status_code == 302
    revisions = list(concept.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].author == outsider and revisions[1].note == "scherper"
    compare = outsider_client.get(f"{concept.get_absolute_url()}revisies/vergelijk/")
    inserted = [s.text for c in compare.context["changes"] for s in c.segments if s.op == "insert"]
    assert "Nieuwe" in inserted


def test_an_edit_without_a_definition_shows_the_error_and_changes_nothing(outsider_client):
    concept = make_concept(definition="Blijft staan.")

    response = outsider_client.post(
        f"{concept.get_absolute_url()}bewerken/", {"term": "Iets", "definition": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["definition"]
    concept.refresh_from_db()
    assert concept.definition == "Blijft staan."
    assert concept.revisions.count() == 1
