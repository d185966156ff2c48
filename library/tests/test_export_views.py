"""The public downloads of the library: CSV and JSON, published and public only."""

from __future__ import annotations

import codecs
import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.tests.factories import CommunityFactory
from instruments.tests.factories import InstrumentFactory
from library import csvformat

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(provider):
    """A published instrument related to a draft, and communities of each visibility."""
    draft = InstrumentFactory(n="geheim-concept", owner=provider, status="draft")
    InstrumentFactory(n="openbaar", owner=provider, related=[draft.slug], links=[
        {"url": "https://example.org/werkblad.pdf", "title": "Werkblad"},
    ])  # fmt: skip
    InstrumentFactory(n="ook-openbaar", owner=provider, phases=["ontwerpen", "starten"])
    CommunityFactory(name="Open gemeenschap", visibility="public")
    CommunityFactory(name="Alleen leden", visibility="members")
    CommunityFactory(name="Vertrouwelijk", visibility="confidential")


def csv_rows(response) -> list[dict]:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_export_holds_only_published_instruments(client, library):
    response = client.get(reverse("library:export_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="samenspel-bibliotheek-')
    assert disposition.endswith('.csv"')
    rows = csv_rows(response)
    assert [row["id"] for row in rows] == ["instrument-ook-openbaar", "instrument-openbaar"]
    assert list(rows[0]) == list(csvformat.COLUMNS)
    assert {row["status"] for row in rows} == {"published"}
    # A related draft is not named: the export tells nothing about unpublished work.
    assert rows[1]["related"] == ""
    assert "geheim" not in response.content.decode("utf-8-sig")


def test_json_export_holds_the_public_library(client, library):
    response = client.get(reverse("library:export_json"))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert set(data) == {"concepts", "instruments", "communities"}
    assert [r["id"] for r in data["instruments"]] == [
        "instrument-ook-openbaar",
        "instrument-openbaar",
    ]
    assert data["instruments"][1]["related"] == []
    assert [c["name"] for c in data["communities"]] == ["Open gemeenschap"]
    assert "geheim" not in response.content.decode()


def test_exports_are_the_same_for_everyone(client, outsider_client, provider_client, library):
    """The owner of a draft sees it on the site, but the download is the public library."""
    for url in (reverse("library:export_csv"), reverse("library:export_json")):
        contents = {c.get(url).content for c in (client, outsider_client, provider_client)}
        assert len(contents) == 1


def test_exported_csv_imports_back_unchanged(client, staff_client, library, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    exported = client.get(reverse("library:export_csv")).content

    response = staff_client.post(
        reverse("library:import"),
        {"file": SimpleUploadedFile("export.csv", exported, content_type="text/csv")},
    )
    preview = staff_client.get(response["Location"])

    rows = preview.context["preview"].rows
    assert [(row.record_id, row.outcome, row.problems) for row in rows] == [
        ("instrument-ook-openbaar", "unchanged", []),
        ("instrument-openbaar", "unchanged", []),
    ]


def test_a_provider_may_upload_the_public_export_with_others_rows_unchanged(
    client, other_provider_client, library, settings, tmp_path
):
    """Someone else's published instrument may appear, as long as the row leaves it as it is."""
    settings.VAR_DIR = tmp_path
    exported = client.get(reverse("library:export_csv")).content

    response = other_provider_client.post(
        reverse("library:import"),
        {"file": SimpleUploadedFile("export.csv", exported, content_type="text/csv")},
    )
    preview = other_provider_client.get(response["Location"])

    assert {row.outcome for row in preview.context["preview"].rows} == {"unchanged"}
    assert preview.context["preview"].can_import
