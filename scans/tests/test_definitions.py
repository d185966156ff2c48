"""Scan definitions: the line format providers type, who may write a scan, and versions
(a scan that has answers is never changed in place)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import signed_in_client
from instruments.tests.factories import InstrumentFactory
from scans import services
from scans.definitions import ItemSpec, assign_keys, format_items, parse_items
from scans.models import ItemScale, Scan, ScanVersion
from scans.tests.factories import ITEMS, answer, make_scan, start_round

pytestmark = pytest.mark.django_db


def _errors(text: str) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse_items(text)
    return caught.value.messages


# --- the line format --------------------------------------------------------------------


def test_every_scale_is_read_from_its_tag():
    items = parse_items(ITEMS)

    assert [(item.scale, item.left_pole, item.right_pole) for item in items] == [
        (ItemScale.AGREEMENT, "", ""),
        (ItemScale.BIPOLAR, "Intern", "Extern"),
        (ItemScale.YES_NO, "", ""),
        (ItemScale.OPEN, "", ""),
    ]
    assert items[1].text == "Waar ligt de nadruk van onze samenwerking?"


def test_english_tags_and_untagged_lines_work_and_blank_lines_are_skipped():
    items = parse_items(
        "We share a goal.\n\n[agree] We trust each other.\n"
        "[slider Inward | Outward] Where is our focus?\n[yes/no] Did we share?\n[open] Why?"
    )

    assert [item.scale for item in items] == [
        ItemScale.AGREEMENT,
        ItemScale.AGREEMENT,
        ItemScale.BIPOLAR,
        ItemScale.YES_NO,
        ItemScale.OPEN,
    ]
    assert (items[2].left_pole, items[2].right_pole) == ("Inward", "Outward")


def test_every_faulty_line_is_reported_at_once_by_number():
    messages = _errors("[eens] Goed.\n[vaag] Onbekend.\n[schuif Alleen links] Een pool.\n[open]")

    assert len(messages) == 3
    assert messages[0].startswith("line 2:")
    assert "[vaag]" in messages[0]
    assert messages[1].startswith("line 3:")
    assert messages[2].startswith("line 4:")


@pytest.mark.parametrize(
    "tag", ["[schuif Intern]", "[schuif Intern |]", "[schuif | Extern]", "[slider]"]
)
def test_a_slider_needs_two_poles(tag):
    messages = _errors(f"[eens] Goed.\n{tag} Waar ligt de nadruk?")

    assert messages == [messages[0]]
    assert messages[0].startswith("line 2:")
    assert "two poles" in messages[0]


def test_a_scan_needs_at_least_one_scored_item():
    assert len(_errors("[open] Wat moet er eerst gebeuren?\n[open] En daarna?")) == 1
    assert len(_errors("")) == 1


def test_a_statement_over_the_limit_is_refused():
    assert _errors("[eens] " + "x" * 301)[0].startswith("line 1:")


def test_format_items_reads_back_into_the_same_items():
    items = parse_items(ITEMS + "Een regel zonder label.\n[slider  Links |Rechts ] Schuif?")

    assert parse_items(format_items(items)) == items


def test_format_items_writes_the_stored_items_of_a_version(provider):
    scan = make_scan(provider)
    version = scan.versions.get()

    assert parse_items(format_items(version.items.all())) == parse_items(ITEMS)


def test_assign_keys_keeps_the_key_of_an_unchanged_item_and_deduplicates():
    previous = [ItemSpec("Oud.", ItemScale.AGREEMENT, key="eigen-sleutel")]
    items = [
        ItemSpec("Oud.", ItemScale.AGREEMENT),
        ItemSpec("Nieuw!", ItemScale.AGREEMENT),
        ItemSpec("Nieuw?", ItemScale.AGREEMENT),
        ItemSpec("Oud.", ItemScale.YES_NO),
    ]

    keys = [item.key for item in assign_keys(items, previous)]

    assert keys == ["eigen-sleutel", "nieuw", "nieuw-2", "oud"]


def test_a_new_item_cannot_take_the_key_of_an_unchanged_one():
    previous = assign_keys([ItemSpec("Samen leren", ItemScale.AGREEMENT)])
    items = [
        ItemSpec("Samen leren?", ItemScale.AGREEMENT),
        ItemSpec("Samen leren", ItemScale.AGREEMENT),
    ]

    keys = [item.key for item in assign_keys(items, previous)]

    assert keys == ["samen-leren-2", "samen-leren"]


def test_identical_lines_keep_their_keys_in_order():
    previous = assign_keys([ItemSpec("Goed.", ItemScale.AGREEMENT)] * 2)

    again = assign_keys([ItemSpec("Goed.", ItemScale.AGREEMENT)] * 2, previous)

    assert [item.key for item in previous] == [item.key for item in again] == ["goed", "goed-2"]


# --- writing a scan ---------------------------------------------------------------------


def test_the_provider_adds_a_scan_to_their_instrument(provider, provider_client):
    instrument = InstrumentFactory(owner=provider)

    response = provider_client.post(
        reverse("scans:create", args=[instrument.slug]),
        {"title": "Teamscan", "instructions": "Eerlijk zijn.", "items": ITEMS},
    )

    scan = Scan.objects.get(instrument=instrument)
    assert response.status_code == 302
    assert response["Location"] == scan.get_absolute_url()
    version = scan.versions.get()
    assert (version.number, version.title, version.instructions) == (1, "Teamscan", "Eerlijk zijn.")
    assert [item.scale for item in version.items.all()] == [
        ItemScale.AGREEMENT,
        ItemScale.BIPOLAR,
        ItemScale.YES_NO,
        ItemScale.OPEN,
    ]
    assert scan.created_by == provider


def test_staff_add_a_scan_to_any_instrument(provider, staff):
    instrument = InstrumentFactory(owner=provider)

    response = signed_in_client(staff).post(
        reverse("scans:create", args=[instrument.slug]),
        {"title": "Teamscan", "instructions": "", "items": ITEMS},
    )

    assert response.status_code == 302
    assert Scan.objects.filter(instrument=instrument).count() == 1


def test_faulty_lines_are_shown_and_what_was_typed_is_kept(provider, provider_client):
    instrument = InstrumentFactory(owner=provider)
    typed = "[eens] Goed.\n[vaag] Een regel met een onbekend label."

    response = provider_client.post(
        reverse("scans:create", args=[instrument.slug]),
        {"title": "Teamscan", "instructions": "", "items": typed},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["items"]
    assert "Een regel met een onbekend label." in response.content.decode()
    assert not Scan.objects.exists()


def test_another_provider_may_not_add_or_edit_a_scan(provider, other_provider_client):
    scan = make_scan(provider)
    create = reverse("scans:create", args=[scan.instrument.slug])
    edit = reverse("scans:edit", args=[scan.pk])
    data = {"title": "Overgenomen", "instructions": "", "items": "[eens] Van mij.", "note": ""}

    assert other_provider_client.get(create).status_code == 403
    assert other_provider_client.post(create, data).status_code == 403
    assert other_provider_client.get(edit).status_code == 403
    assert other_provider_client.post(edit, data).status_code == 403
    assert Scan.objects.count() == 1
    assert scan.versions.get().title == "Samenwerkingsscan"


def test_anonymous_visitors_are_sent_to_sign_in(provider, client):
    scan = make_scan(provider)

    for url in (
        reverse("scans:create", args=[scan.instrument.slug]),
        reverse("scans:edit", args=[scan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_service_refuses_anyone_but_the_provider_and_staff(provider, other_provider, staff):
    instrument = InstrumentFactory(owner=provider)
    items = parse_items("[eens] Goed.")

    with pytest.raises(PermissionDenied):
        services.scan_create(
            user=other_provider, instrument=instrument, title="X", instructions="", items=items
        )
    scan = services.scan_create(
        user=staff, instrument=instrument, title="X", instructions="", items=items
    )
    with pytest.raises(PermissionDenied):
        services.scan_update(
            user=other_provider, scan=scan, title="Y", instructions="", items=items
        )


def test_two_scans_with_the_same_title_get_different_codes(provider):
    instrument = InstrumentFactory(owner=provider)

    first = make_scan(provider, instrument=instrument, title="Teamscan")
    second = make_scan(provider, instrument=instrument, title="Teamscan")

    assert (first.key, second.key) == ("teamscan", "teamscan-2")


# --- versions ---------------------------------------------------------------------------


def _edit(client, scan, items: str, title: str = "Samenwerkingsscan", note: str = ""):
    return client.post(
        reverse("scans:edit", args=[scan.pk]),
        {"title": title, "instructions": "Nieuw.", "items": items, "note": note},
    )


def test_editing_a_scan_without_answers_changes_it_in_place(provider, provider_client):
    scan = make_scan(provider)

    response = _edit(provider_client, scan, "[eens] Alleen nog dit.", title="Korter")

    assert response.status_code == 302
    version = scan.versions.get()
    assert (version.number, version.title) == (1, "Korter")
    assert [item.text for item in version.items.all()] == ["Alleen nog dit."]


def test_editing_a_scan_with_a_round_but_no_answers_changes_it_in_place(
    provider, provider_client, facilitator, community
):
    scan = make_scan(provider)
    round_ = start_round(facilitator, community, scan)

    _edit(provider_client, scan, "[eens] Alleen nog dit.")

    assert scan.versions.count() == 1
    assert [item.text for item in round_.version.items.all()] == ["Alleen nog dit."]


def test_editing_a_scan_with_answers_makes_a_new_version(
    provider, provider_client, facilitator, member, community
):
    scan = make_scan(provider)
    round_ = start_round(facilitator, community, scan)
    answer(member, round_, [4, 2, 1])
    before = [(item.key, item.text) for item in round_.version.items.all()]
    changed = ITEMS.replace("Wat moet er eerst gebeuren?", "Wat moet er anders?")

    response = _edit(provider_client, scan, changed, note="Open vraag scherper")

    assert response.status_code == 302
    assert list(scan.versions.values_list("number", flat=True)) == [2, 1]
    new = scan.versions.get(number=2)
    assert (new.note, new.created_by) == ("Open vraag scherper", provider)
    round_.refresh_from_db()
    assert round_.version.number == 1
    assert [(item.key, item.text) for item in round_.version.items.all()] == before
    assert [item.text for item in new.items.all()][-1] == "Wat moet er anders?"


def test_unchanged_items_keep_their_key_across_versions(provider, facilitator, member, community):
    scan = make_scan(provider)
    answer(member, start_round(facilitator, community, scan), [4, 2, 1])
    old = {item.text: item.key for item in scan.versions.get().items.all()}

    services.scan_update(
        user=provider,
        scan=scan,
        title="Samenwerkingsscan",
        instructions="",
        # A new first statement whose text makes the same key as an unchanged one.
        items=parse_items("[eens] We delen een doel dat we samen beter bereiken!\n" + ITEMS),
    )

    new = {item.text: item.key for item in ScanVersion.objects.get(scan=scan, number=2).items.all()}
    assert {text: new[text] for text in old} == old
    assert new["We delen een doel dat we samen beter bereiken!"] not in old.values()


def test_a_new_round_runs_the_newest_version(provider, facilitator, member, community):
    scan = make_scan(provider)
    answer(member, start_round(facilitator, community, scan), [4, 2, 1])
    services.scan_update(
        user=provider, scan=scan, title="V2", instructions="", items=parse_items("[eens] Nieuw.")
    )

    round_ = start_round(facilitator, community, scan)

    assert (round_.version.number, round_.version.title) == (2, "V2")


def test_the_edit_form_shows_the_current_items_as_lines(provider, provider_client):
    scan = make_scan(provider)

    response = provider_client.get(reverse("scans:edit", args=[scan.pk]))

    assert response.status_code == 200
    assert parse_items(response.context["form"].initial["items"]) == parse_items(ITEMS)


def test_the_scan_page_lists_its_versions(
    provider, provider_client, facilitator, member, community
):
    scan = make_scan(provider)
    answer(member, start_round(facilitator, community, scan), [4, 2, 1])
    _edit(provider_client, scan, ITEMS, note="Kleine wijziging")

    response = provider_client.get(scan.get_absolute_url())

    assert response.status_code == 200
    assert [version.number for version in response.context["versions"]] == [2, 1]
    assert "Kleine wijziging" in response.content.decode()
