"""The journal's pages: what they show, the entry form with its value stories, filters in
the address, attachments, and the journal's sections on community and instrument pages.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalEntry
from journal.tests.conftest import PDF
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db


def _url(community, suffix: str = "") -> str:
    return f"/communities/{community.slug}/journaal/{suffix}"


def _form_data(**overrides) -> dict:
    data = {
        "kind": "work_session",
        "date": "2025-04-14",
        "title": "Werksessie met de partners",
        "phase": "uitvoeren",
        "sub_phase": "sprint",
        "sprint_number": "2",
        "text": "We hebben **prototypes** getest.",
        "stories-TOTAL_FORMS": "3",
        "stories-INITIAL_FORMS": "0",
        "stories-MIN_NUM_FORMS": "0",
        "stories-MAX_NUM_FORMS": "30",
    }
    data.update(overrides)
    return data


# --- the timeline -----------------------------------------------------------------


def test_the_timeline_shows_each_entry_with_its_details(client, community, facilitator, provider):
    instrument = InstrumentFactory(n="canvas", title="Opgave-canvas")
    draft = InstrumentFactory(
        n="concept", title="Geheim concept", owner=provider, status=Status.DRAFT
    )
    entry = make_entry(
        community=community,
        author=facilitator,
        title="Sprint twee",
        phase="uitvoeren",
        sub_phase="sprint",
        sprint_number=2,
        text="Een *belangrijke* stap.",
        instruments=[instrument],
        value_stories=[{"cycle": "potential", "capital": "social", "text": "Nieuwe netwerken"}],
    )
    entry.instruments.add(draft)

    response = client.get("/en" + _url(community))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sprint twee" in html
    assert "Action sprint 2" in html
    assert "Carrying out" in html
    assert "<em>belangrijke</em>" in html
    assert 'href="/en/instrumenten/instrument-canvas/"' in html
    assert "Geheim concept" not in html
    assert "Nieuwe netwerken" in html and "Social capital" in html


def test_the_timeline_filters_are_in_the_address(client, community, facilitator):
    instrument = InstrumentFactory(n="canvas")
    make_entry(community=community, author=facilitator, title="Start", phase="starten")
    make_entry(
        community=community,
        author=facilitator,
        title="Ontwerp",
        phase="ontwerpen",
        instruments=[instrument],
    )

    by_phase = client.get(_url(community), {"fase": "ontwerpen"})
    by_instrument = client.get(_url(community), {"instrument": "instrument-canvas"})

    assert [e.title for e in by_phase.context["page"].object_list] == ["Ontwerp"]
    assert [e.title for e in by_instrument.context["page"].object_list] == ["Ontwerp"]
    assert list(by_phase.context["instrument_options"]) == [instrument]
    assert 'value="ontwerpen" selected' in by_phase.content.decode()


def test_an_htmx_filter_request_gets_only_the_entries(client, community, facilitator):
    make_entry(community=community, author=facilitator, title="Start", phase="starten")

    response = client.get(_url(community), {"fase": "starten"}, headers={"HX-Request": "true"})

    assert [t.name for t in response.templates][0] == "journal/_timeline.html"
    assert "<html" not in response.content.decode()
    assert 'id="timeline-count" hx-swap-oob' in response.content.decode()
    assert response["Vary"].count("HX-Request") == 1


def test_the_timeline_pages_through_many_entries(client, community, facilitator):
    for day in range(1, 23):
        make_entry(
            community=community,
            author=facilitator,
            title=f"Dag {day}",
            date=datetime.date(2025, 1, day),
        )

    first = client.get(_url(community))
    second = client.get(_url(community), {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert [e.title for e in second.context["page"].object_list] == ["Dag 2", "Dag 1"]


@pytest.mark.parametrize(("role", "invites_to_write"), [("member", True), ("observer", False)])
def test_an_empty_journal_tells_members_how_to_add_the_first_entry(
    request, community, role, invites_to_write
):
    response = request.getfixturevalue(f"{role}_client").get(_url(community))

    assert response.context["can_write"] is invites_to_write
    assert (_url(community, "nieuw/") in response.content.decode()) is invites_to_write
    assert 'class="empty-state"' in response.content.decode()


# --- the entry form ---------------------------------------------------------------


def test_a_member_adds_an_entry_with_a_value_story_through_the_form(member_client, community):
    instrument = InstrumentFactory(n="canvas")
    data = _form_data(
        instruments=[instrument.pk],
        **{
            "stories-0-cycle": "potential",
            "stories-0-capital": "learning",
            "stories-0-text": "We leren van elkaar.",
        },
    )

    response = member_client.post(_url(community, "nieuw/"), data)

    entry = JournalEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.sub_phase_label.endswith("2")
    assert list(entry.instruments.all()) == [instrument]
    assert list(entry.value_stories.values_list("cycle", "capital")) == [("potential", "learning")]


def test_the_new_entry_form_starts_at_today_in_the_communitys_phase(member_client, community):
    community.current_phase = "ontwerpen"
    community.save(update_fields=["current_phase"])

    form = member_client.get(_url(community, "nieuw/")).context["form"]

    assert form.initial["phase"] == "ontwerpen"
    assert form.initial["date"] == datetime.date.today()


def test_the_form_offers_only_instruments_the_member_may_see(member_client, community, provider):
    InstrumentFactory(n="openbaar")
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)

    response = member_client.get(_url(community, "nieuw/"))

    choices = response.context["form"].fields["instruments"].queryset
    assert draft not in choices and choices.count() == 1
    assert response.context["stories"].total_form_count() == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phase": "starten"}, "sub_phase"),
        ({"sprint_number": ""}, "sprint_number"),
        ({"sub_phase": "evaluation"}, "sprint_number"),
    ],
)
def test_the_form_explains_a_wrong_sub_phase(member_client, community, overrides, field):
    response = member_client.post(_url(community, "nieuw/"), _form_data(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["error_count"] == 1
    assert 'role="alert"' in response.content.decode()
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(("capital", "cycle"), [("", "potential"), ("human", "realised")])
def test_the_form_explains_a_wrong_capital_on_a_value_story(
    member_client, community, capital, cycle
):
    data = _form_data(
        **{"stories-1-cycle": cycle, "stories-1-capital": capital, "stories-1-text": "Een verhaal"}
    )

    response = member_client.post(_url(community, "nieuw/"), data)

    assert response.status_code == 400
    assert "capital" in response.context["stories"].forms[1].errors
    assert 'href="#id_stories-1-capital"' in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_story_without_text_is_an_error_not_silently_dropped(member_client, community):
    data = _form_data(**{"stories-0-cycle": "expected"})

    response = member_client.post(_url(community, "nieuw/"), data)

    assert response.status_code == 400
    assert "text" in response.context["stories"].forms[0].errors


def test_editing_changes_an_entry_and_removes_a_marked_story(
    facilitator_client, facilitator, community
):
    entry = make_entry(
        community=community,
        author=facilitator,
        title="Oud",
        value_stories=[
            {"cycle": "expected", "text": "Blijft"},
            {"cycle": "immediate", "text": "Gaat weg"},
        ],
    )
    keep, drop = entry.value_stories.all()
    data = _form_data(
        title="Nieuw",
        phase="starten",
        sub_phase="",
        sprint_number="",
        **{
            "stories-TOTAL_FORMS": "5",
            "stories-INITIAL_FORMS": "2",
            "stories-0-id": keep.pk,
            "stories-0-cycle": "expected",
            "stories-0-text": "Blijft!",
            "stories-1-id": drop.pk,
            "stories-1-cycle": "immediate",
            "stories-1-text": "Gaat weg",
            "stories-1-DELETE": "on",
        },
    )

    response = facilitator_client.post(_url(community, f"{entry.pk}/bewerken/"), data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Nieuw"
    assert list(entry.value_stories.values_list("pk", "text")) == [(keep.pk, "Blijft!")]


def test_the_edit_form_shows_the_saved_title_while_it_has_errors(
    facilitator_client, facilitator, community
):
    entry = make_entry(community=community, author=facilitator, title="Bewaard")

    response = facilitator_client.post(
        _url(community, f"{entry.pk}/bewerken/"), _form_data(title="Nieuw", phase="starten")
    )

    assert response.status_code == 400
    assert response.context["entry"].title == "Bewaard"


# --- the entry page and attachments ------------------------------------------------


def test_the_entry_page_shows_edit_links_only_to_who_may_edit(
    facilitator_client, member_client, community, facilitator
):
    entry = make_entry(community=community, author=facilitator)
    url = _url(community, f"{entry.pk}/")

    assert _url(community, f"{entry.pk}/bewerken/") in facilitator_client.get(url).content.decode()
    assert _url(community, f"{entry.pk}/bewerken/") not in member_client.get(url).content.decode()


def test_an_attachment_is_uploaded_and_served_to_readers(
    facilitator_client, observer_client, client, communities, facilitator, pdf
):
    community = communities["members"]
    entry = make_entry(community=community, author=facilitator)

    response = facilitator_client.post(
        _url(community, f"{entry.pk}/bijlagen/"), {"title": "Verslag", "file": pdf}
    )

    attachment = entry.attachments.get()
    assert response.status_code == 302
    assert (attachment.title, attachment.content_type) == ("Verslag", "application/pdf")
    download = observer_client.get(_url(community, f"{entry.pk}/bijlagen/{attachment.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "private" in download["Cache-Control"]
    assert client.get(_url(community, f"{entry.pk}/bijlagen/{attachment.pk}/")).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.pdf", b"<script>alert(1)</script>", "not allowed"),
        ("leeg.pdf", b"", "empty"),
    ],
)
def test_a_refused_attachment_gets_a_clear_error(
    facilitator_client, community, facilitator, name, content, message
):
    entry = make_entry(community=community, author=facilitator)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = facilitator_client.post(
        "/en" + _url(community, f"{entry.pk}/bijlagen/"), {"title": "Bijlage", "file": upload}
    )

    assert response.status_code == 400
    assert message in str(response.context["attachment_form"].errors["file"])
    assert 'role="alert"' in response.content.decode()
    assert not entry.attachments.exists()


def test_an_oversized_attachment_is_refused(facilitator_client, community, facilitator, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    entry = make_entry(community=community, author=facilitator)
    upload = SimpleUploadedFile("groot.pdf", PDF + b"0" * 2048, content_type="application/pdf")

    response = facilitator_client.post(
        _url(community, f"{entry.pk}/bijlagen/"), {"title": "Groot", "file": upload}
    )

    assert response.status_code == 400
    assert not entry.attachments.exists()


def test_the_delete_page_asks_for_confirmation(facilitator_client, community, facilitator):
    entry = make_entry(community=community, author=facilitator)

    page = facilitator_client.get(_url(community, f"{entry.pk}/verwijderen/"))
    response = facilitator_client.post(_url(community, f"{entry.pk}/verwijderen/"))

    assert 'method="post"' in page.content.decode()
    assert response["Location"] == _url(community)
    assert not JournalEntry.objects.exists()


# --- value overview and the sections on other pages ----------------------------------


def test_the_value_page_shows_the_table_and_the_latest_stories(client, community, facilitator):
    make_entry(
        community=community,
        author=facilitator,
        title="Oogst",
        date=datetime.date(2025, 2, 3),
        value_stories=[{"cycle": "realised", "text": "Een nieuwe opleiding"}],
    )

    response = client.get("/en" + _url(community, "waarde/"))

    html = response.content.decode()
    assert response.context["overview"].total == 1
    assert "<table" in html and '<th scope="row">Realised value</th>' in html
    assert "Een nieuwe opleiding" in html


def test_the_community_section_is_given_only_to_readers(rf, communities, facilitator, outsider):
    from journal.sections import journal_section

    community = communities["members"]
    make_entry(community=community, author=facilitator, title="Binnen")
    request = rf.get("/")
    request.user = outsider
    assert journal_section(request, community) is None

    request.user = facilitator
    template, context = journal_section(request, community)
    html = render_to_string(template, {**context, "request": request})

    assert context["journal_section"]["count"] == 1
    assert context["journal_section"]["can_write"] is True
    assert "Binnen" in html and _url(community) in html


def test_the_community_page_shows_the_journal_section(client, community, facilitator):
    make_entry(
        community=community,
        author=facilitator,
        title="Zichtbaar op de pagina",
        value_stories=[{"cycle": "expected", "text": "Verwachting"}],
    )

    response = client.get(f"/communities/{community.slug}/")

    html = response.content.decode()
    assert "Zichtbaar op de pagina" in html
    assert 'class="value-table"' in html


def test_the_instrument_usage_block_lists_readable_entries(communities, facilitator, outsider):
    from journal.selectors import instrument_usage

    instrument = InstrumentFactory(n="gebruikt")
    make_entry(
        community=communities["public"],
        author=facilitator,
        title="Openbaar gebruik",
        instruments=[instrument],
    )
    make_entry(
        community=communities["confidential"],
        author=facilitator,
        title="Geheim gebruik",
        instruments=[instrument],
    )
    request = RequestFactory().get("/")
    request.user = outsider

    html = render_to_string(
        "journal/_instrument_usage.html",
        {"journal_usage": instrument_usage(user=outsider, instrument=instrument)},
        request=request,
    )

    assert "Openbaar gebruik" in html
    assert "Geheim gebruik" not in html


def test_the_entry_page_holds_the_comment_thread(member_client, community, facilitator):
    entry = make_entry(community=community, author=facilitator)

    response = member_client.get(_url(community, f"{entry.pk}/"))

    assert response.context["comment_thread"].target == entry
    assert f'id="comments-journaal-{entry.pk}"' in response.content.decode()
