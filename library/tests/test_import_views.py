"""The spreadsheet import on the site: upload, preview with per-row problems, confirm."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import Instrument
from instruments.tests.factories import InstrumentFactory
from library.imports import MAX_ROWS
from library.tests.test_spreadsheets import xlsx_bytes

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/en/bibliotheek/importeren/"
HEADER = ["id", "title", "summary", "kind", "phases", "sectors"]
GOOD = [
    ["stuurgroep", "Stuurgroep samenstellen", "Wie zit erin?", "handreiking", "starten | ontwerpen",
     "energie"],
    ["reflectie", "Reflecteren", "Terugkijken.", "werkvorm", "uitvoeren", ""],
]  # fmt: skip
BAD = [
    ["zonder-titel", "", "Geen titel.", "model", "starten", ""],
    ["rare-soort", "Rare soort", "Kort.", "gereedschap", "starten", ""],
    ["rare-fase", "Rare fase", "Kort.", "model", "afronden", ""],
    ["stuurgroep", "Nog eens", "Dubbel.", "model", "starten", ""],
]


@pytest.fixture(autouse=True)
def _pending_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def csv_file(rows, *, delimiter=",", bom=False, name="instrumenten.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    raw = (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode()
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def xlsx_file(rows, name="instrumenten.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type="application/octet-stream")


def upload(client, upload_file, *, publish=False):
    data = {"file": upload_file, **({"publish": "on"} if publish else {})}
    return client.post(UPLOAD_URL, data)


def preview_rows(response) -> dict[int, str]:
    """Each preview row's line and outcome, read from the rendered table."""
    return {row.line: row.outcome or "error" for row in response.context["preview"].rows}


def test_csv_upload_shows_a_preview_and_saves_nothing(provider_client):
    before = Instrument.objects.count()

    response = upload(provider_client, csv_file([HEADER, *GOOD]))

    assert response.status_code == 302
    preview = provider_client.get(response["Location"])
    assert preview.status_code == 200
    assert preview_rows(preview) == {2: "created", 3: "created"}
    assert 'data-testid="preview-table"' in preview.content.decode()
    assert "2 new, 0 updated, 0 unchanged, 0 rows with errors" in " ".join(
        preview.content.decode().split()
    )
    assert Instrument.objects.count() == before


def test_xlsx_upload_shows_the_same_preview(provider_client):
    response = upload(provider_client, xlsx_file([HEADER, *GOOD]))

    preview = provider_client.get(response["Location"])
    assert preview_rows(preview) == {2: "created", 3: "created"}
    assert [row.phases for row in preview.context["preview"].rows] == [
        ["starten", "ontwerpen"],
        ["uitvoeren"],
    ]


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_preview_lists_each_bad_rows_problems_and_nothing_is_saved(provider_client, make_file):
    before = Instrument.objects.count()

    response = upload(provider_client, make_file([HEADER, *GOOD, *BAD]))
    preview = provider_client.get(response["Location"])

    rows = {row.line: row for row in preview.context["preview"].rows}
    assert preview_rows(preview) == {
        2: "created", 3: "created", 4: "error", 5: "error", 6: "error", 7: "error"
    }  # fmt: skip
    assert rows[4].problems == ["Column “title”: must not be empty"]
    assert 'unknown kind "gereedschap"' in rows[5].problems[0]
    assert 'unknown phase "afronden"' in rows[6].problems[0]
    assert 'duplicate id "stuurgroep" (first at line 2)' in rows[7].problems[0]
    html = preview.content.decode()
    assert "unknown phase &quot;afronden&quot;" in html
    assert 'data-testid="cannot-import"' in html
    assert preview.context["counts"]["errors"] == 4
    assert Instrument.objects.count() == before

    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    confirm = provider_client.post(reverse("library:import_confirm", args=[token]))
    assert confirm.status_code == 409
    assert Instrument.objects.count() == before


def test_semicolons_and_a_byte_order_mark_are_read(provider_client):
    response = upload(provider_client, csv_file([HEADER, *GOOD], delimiter=";", bom=True))

    preview = provider_client.get(response["Location"])
    assert preview_rows(preview) == {2: "created", 3: "created"}
    assert preview.context["preview"].rows[0].record_id == "stuurgroep"


def test_confirm_saves_drafts_owned_by_the_importer(provider_client, provider):
    response = upload(provider_client, xlsx_file([HEADER, *GOOD]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    confirm = provider_client.post(reverse("library:import_confirm", args=[token]))

    assert confirm.status_code == 302
    saved = Instrument.objects.filter(slug__in=["stuurgroep", "reflectie"])
    assert {(i.owner_id, i.status) for i in saved} == {(provider.pk, "draft")}
    assert saved.get(slug="stuurgroep").revisions.get().author == provider
    result = provider_client.get(confirm["Location"])
    assert result.status_code == 200
    assert [i.slug for i in result.context["created"]] == ["stuurgroep", "reflectie"]
    assert reverse("instruments:detail", args=["stuurgroep"]) in result.content.decode()
    # The pending upload is gone: confirming twice imports nothing twice.
    assert provider_client.post(reverse("library:import_confirm", args=[token])).status_code == 404


def test_publish_choice_publishes_new_instruments(provider_client):
    response = upload(provider_client, csv_file([HEADER, *GOOD]), publish=True)
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    provider_client.post(reverse("library:import_confirm", args=[token]))

    assert set(Instrument.objects.values_list("status", flat=True)) == {"published"}


def test_update_of_own_instrument_keeps_its_status(provider_client, provider):
    InstrumentFactory(n="eigen", owner=provider, status="draft", phases=["starten"])
    rows = [HEADER, ["instrument-eigen", "Nieuwe titel", "Kort.", "model", "starten", ""]]
    response = upload(provider_client, csv_file(rows))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    assert preview_rows(provider_client.get(response["Location"])) == {2: "updated"}
    provider_client.post(reverse("library:import_confirm", args=[token]))

    instrument = Instrument.objects.get(slug="instrument-eigen")
    assert (instrument.title, instrument.status) == ("Nieuwe titel", "draft")


@pytest.mark.parametrize("status", ["published", "draft"])
def test_another_providers_instrument_is_refused(provider_client, other_provider, status):
    theirs = InstrumentFactory(n="van-anna", owner=other_provider, status=status)
    rows = [HEADER, ["instrument-van-anna", "Overgenomen", "Kort.", "model", "starten", ""]]

    response = upload(provider_client, csv_file(rows))
    preview = provider_client.get(response["Location"])

    (row,) = preview.context["preview"].rows
    assert row.outcome is None
    assert "belongs to another provider" in row.problems[-1]
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert provider_client.post(reverse("library:import_confirm", args=[token])).status_code == 409
    theirs.refresh_from_db()
    assert theirs.title == "Instrument van-anna"


def test_staff_may_update_any_instrument(staff_client, other_provider):
    InstrumentFactory(n="van-anna", owner=other_provider)
    rows = [HEADER, ["instrument-van-anna", "Door de redactie", "Kort.", "model", "starten", ""]]
    response = upload(staff_client, csv_file(rows))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    staff_client.post(reverse("library:import_confirm", args=[token]))

    instrument = Instrument.objects.get(slug="instrument-van-anna")
    assert (instrument.title, instrument.owner) == ("Door de redactie", other_provider)


def test_the_preview_belongs_to_the_uploader(provider_client, other_provider_client):
    response = upload(provider_client, csv_file([HEADER, *GOOD]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    assert other_provider_client.get(response["Location"]).status_code == 404
    confirm = other_provider_client.post(reverse("library:import_confirm", args=[token]))
    assert confirm.status_code == 404
    assert not Instrument.objects.filter(slug="stuurgroep").exists()


@pytest.mark.parametrize(
    ("upload_file", "message"),
    [
        (SimpleUploadedFile("i.pdf", b"%PDF-1.4"), "upload a .csv or an .xlsx file"),
        (SimpleUploadedFile("i.xlsx", b"PK\x03\x04 not a zip"), "not an Excel workbook"),
        (SimpleUploadedFile("i.csv", "é".encode("latin-1")), "not valid UTF-8"),
        (SimpleUploadedFile("i.csv", b"id,title\nx,y\n"), "missing column"),
        (SimpleUploadedFile("i.csv", b"id,title,summary,kind,phases\n"), "no rows"),
    ],
)
def test_an_unreadable_file_is_a_clear_form_error(provider_client, upload_file, message):
    response = upload(provider_client, upload_file)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'accept=".csv,.xlsx"' in response.content.decode()


def test_too_many_rows_are_refused(provider_client):
    rows = [HEADER, *[[f"i-{n}", "T", "S", "model", "starten", ""] for n in range(MAX_ROWS + 1)]]

    response = upload(provider_client, csv_file(rows))

    assert response.status_code == 400
    assert f"more than {MAX_ROWS} rows" in response.context["form"].errors["file"][0]


def test_too_large_a_file_is_refused(provider_client, monkeypatch):
    monkeypatch.setattr("library.forms.MAX_UPLOAD_BYTES", 10)

    response = upload(provider_client, csv_file([HEADER, *GOOD]))

    assert response.status_code == 400
    assert "the limit is" in response.context["form"].errors["file"][0]


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(UPLOAD_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_non_provider_gets_a_403_that_says_how_to_become_one(outsider_client):
    response = outsider_client.get(UPLOAD_URL)

    assert response.status_code == 403
    assert "Instrument provider" in response.content.decode()
    assert outsider_client.post(UPLOAD_URL, {"file": csv_file([HEADER, *GOOD])}).status_code == 403
    assert not Instrument.objects.filter(slug="stuurgroep").exists()


def test_confirm_only_accepts_post(provider_client):
    response = upload(provider_client, csv_file([HEADER, *GOOD]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    assert provider_client.get(reverse("library:import_confirm", args=[token])).status_code == 405


def test_the_instrument_list_links_providers_to_the_import(provider_client, outsider_client):
    import_url = reverse("library:import")

    assert import_url in provider_client.get(reverse("instruments:list")).content.decode()
    outsider_page = outsider_client.get(reverse("instruments:list")).content.decode()
    assert import_url not in outsider_page
    assert reverse("library:export_csv") in outsider_page
