from __future__ import annotations

import pytest
from django.utils import translation

from instruments.constants import Kind, Phase, Status
from instruments.selectors import instrument_record
from instruments.services import instrument_update
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def library():
    return [
        InstrumentFactory(n="canvas", kind=Kind.CANVAS, phases=["starten"], sectors=["energie"]),
        InstrumentFactory(
            n="checklist",
            kind=Kind.CHECKLIST,
            phases=["starten", "ontwerpen"],
            sectors=["zorg-welzijn"],
        ),
        InstrumentFactory(
            n="model", kind=Kind.MODEL, phases=["uitvoeren"], sectors=["energie", "zorg-welzijn"]
        ),
    ]


def _titles(response) -> list[str]:
    return [i.title for i in response.context["page"].object_list]


def test_home_shows_the_search_box_and_the_four_phases(client, library):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html
    for phase in Phase:
        assert f"/fasen/{phase.value}/" in html


def test_facets_combine_across_and_alternate_within(client, library):
    response = client.get("/instrumenten/?fase=starten&sector=energie")
    assert _titles(response) == ["Instrument canvas"]

    response = client.get("/instrumenten/?fase=starten&fase=uitvoeren&sector=energie")
    assert _titles(response) == ["Instrument canvas", "Instrument model"]


def test_facet_counts_count_each_facet_with_the_others_applied(client, library):
    response = client.get("/instrumenten/?sector=energie")

    facets = {facet.name: facet for facet in response.context["facets"]}
    phases = {o.value: o.count for o in facets["fase"].options}
    sectors = {o.value: (o.count, o.selected) for o in facets["sector"].options}
    assert phases == {"starten": 1, "ontwerpen": 0, "uitvoeren": 1, "verduurzamen": 0}
    assert sectors["energie"] == (2, True)
    assert sectors["zorg-welzijn"] == (2, False)


def test_unknown_facet_values_are_ignored_not_an_error(client, library):
    response = client.get("/instrumenten/?fase=vliegen&soort=poster")

    assert response.status_code == 200
    assert len(_titles(response)) == 3


def test_the_search_box_filters_titles_and_summaries(client, library):
    InstrumentFactory(n="x", title="Wicked problem check", summary="Toets de opgave.")

    response = client.get("/instrumenten/?q=wicked")

    assert _titles(response) == ["Wicked problem check"]


def test_the_list_paginates_and_keeps_the_filters_in_page_links(client):
    for n in range(25):
        InstrumentFactory(n=f"p{n:02d}", phases=["ontwerpen"])

    first = client.get("/instrumenten/?fase=ontwerpen")
    second = client.get("/instrumenten/?fase=ontwerpen&page=2")

    assert len(_titles(first)) == 20
    assert len(_titles(second)) == 5
    assert "fase=ontwerpen&amp;page=2" in first.content.decode()


def test_an_empty_result_says_what_to_do_next(client, library):
    response = client.get("/instrumenten/?q=onvindbaar")

    assert response.status_code == 200
    assert _titles(response) == []
    assert "Geen instrumenten gevonden" in response.content.decode()


def test_htmx_requests_get_only_the_results(client, library):
    response = client.get("/instrumenten/?fase=starten", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Instrument canvas" in html
    assert "<html" not in html


def test_drafts_are_not_listed_for_others(client, provider_client, provider):
    InstrumentFactory(n="geheim", owner=provider, status=Status.DRAFT)

    assert "Instrument geheim" not in client.get("/instrumenten/").content.decode()
    assert "Instrument geheim" in provider_client.get("/instrumenten/").content.decode()


def test_the_instrument_page_shows_sanitised_markdown_steps_and_related(client):
    related = InstrumentFactory(n="buur", title="Buurinstrument")
    instrument = InstrumentFactory(
        n="hoofd",
        description="**Belangrijk** <script>alert(1)</script>",
        steps=["Kies een opgave", "Nodig partners uit"],
        related=[related.slug],
        source="3.2 a",
    )

    response = client.get(instrument.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Belangrijk</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Kies een opgave" in html and "Nodig partners uit" in html
    assert related.get_absolute_url() in html
    assert "3.2 a" in html


def test_the_instrument_page_shows_when_to_use_under_its_heading(client):
    instrument = InstrumentFactory(
        n="situaties", when_to_use="Mensen haken af.\n\nNiemand voelt zich eigenaar."
    )
    without = InstrumentFactory(n="zonder")

    html = client.get(instrument.get_absolute_url()).content.decode()

    assert "Wanneer inzetten" in html
    assert html.index("Wanneer inzetten") < html.index("Over dit instrument")
    assert "<p>Mensen haken af.</p>" in html and "Niemand voelt zich eigenaar." in html
    assert "Wanneer inzetten" not in client.get(without.get_absolute_url()).content.decode()


def test_related_drafts_are_not_shown_to_others(client, provider):
    draft = InstrumentFactory(n="verborgen", title="Verborgen concept", status=Status.DRAFT)
    instrument = InstrumentFactory(n="zichtbaar", related=[draft.slug])

    html = client.get(instrument.get_absolute_url()).content.decode()

    assert "Verborgen concept" not in html


def test_phase_page_groups_instruments_by_kind(client, library):
    response = client.get("/fasen/starten/")

    groups = response.context["guide"]["groups"]
    assert response.status_code == 200
    assert [str(label) for label in groups] == ["Canvas", "Checklist"]


def test_unknown_phase_is_404(client):
    assert client.get("/fasen/vliegen/").status_code == 404


@pytest.mark.parametrize("url", ["/en/", "/en/instrumenten/", "/en/fasen/uitvoeren/"])
def test_english_pages_are_in_english(client, library, url):
    response = client.get(url)

    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_the_english_instrument_page_uses_the_english_title(client):
    instrument = InstrumentFactory(n="taal", title="Nederlandse titel", title_en="English title")

    response = client.get(f"/en{instrument.get_absolute_url()}")

    assert "English title" in response.content.decode()


def test_revision_page_shows_what_changed_between_two_revisions(client, provider):
    instrument = InstrumentFactory(n="rev", owner=provider, summary="Oude samenvatting.")
    record = instrument_record(instrument)
    instrument_update(
        user=provider, instrument=instrument, record={**record, "summary": "Nieuwe samenvatting."}
    )

    listing = client.get(f"{instrument.get_absolute_url()}revisies/")
    compare = client.get(f"{instrument.get_absolute_url()}revisies/vergelijk/?van=1&tot=2")

    assert listing.status_code == 200
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "<del>Oude</del>" in html.replace(" ", "") or "Oude" in _deleted(compare)
    assert "Nieuwe" in _inserted(compare)


def test_comparing_unknown_revisions_is_404(client):
    instrument = InstrumentFactory(n="rev404")

    url = f"{instrument.get_absolute_url()}revisies/vergelijk/"
    assert client.get(url + "?van=1&tot=9").status_code == 404
    assert client.get(url + "?van=x&tot=1").status_code == 404


def _deleted(response) -> str:
    return " ".join(
        s.text for c in response.context["changes"] for s in c.segments if s.op == "delete"
    )


def _inserted(response) -> str:
    return " ".join(
        s.text for c in response.context["changes"] for s in c.segments if s.op == "insert"
    )


def test_a_selected_sector_without_results_stays_listed_so_it_can_be_unticked(client, library):
    response = client.get("/instrumenten/?fase=verduurzamen&sector=energie")

    facets = {facet.name: facet for facet in response.context["facets"]}
    sectors = {o.value: (o.count, o.selected) for o in facets["sector"].options}
    assert sectors == {"energie": (0, True)}
