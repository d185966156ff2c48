"""Hostile uploads through the real upload views: instrument and journal attachments and
the spreadsheet import. Each is refused with a message on the form and nothing is saved;
a file that is accepted is stored under a cleaned name, whatever name it came with."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from communities.tests.factories import make_community
from instruments.models import Instrument, InstrumentAttachment
from instruments.tests.factories import InstrumentFactory
from journal.models import JournalAttachment
from journal.tests.factories import make_entry
from library.tests.test_spreadsheets import xlsx_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# A few kilobytes that unpack to 20 MB: far beyond the ratio an Office file has.
DOCX_BOMB = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 20_000_000})
XLSX_BOMB = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"<c>" + b"0" * 20_000_000 + b"</c>",
    }
)

REFUSED = [
    ("an exe named .pdf", "werkblad.pdf", EXE, "not allowed"),
    ("html named .pdf", "werkblad.pdf", HTML, "not allowed"),
    ("html named .png", "foto.png", HTML, "not allowed"),
    ("a pdf named .html", "werkblad.html", PDF, "does not match its content"),
    ("a pdf named .exe", "werkblad.exe", PDF, "does not match its content"),
    ("a png named .svg", "logo.svg", PNG, "does not match its content"),
    ("a pdf without extension", "werkblad", PDF, "does not match its content"),
    ("a zip bomb named .docx", "canvas.docx", DOCX_BOMB, "unreasonable size"),
    ("a zip bomb named .xlsx", "cijfers.xlsx", XLSX_BOMB, "unreasonable size"),
    ("an empty file", "leeg.pdf", b"", "empty"),
]

HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd.pdf",
    "C:\\Windows\\system32\\x.pdf",
    "nul\x00byte.pdf",
    "a" * 300 + ".pdf",
    "..pdf",
    "<script>alert(1)</script>.pdf",
    "  spaties en ümläuts .PDF",
]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path


@pytest.fixture
def instrument(provider):
    return InstrumentFactory(owner=provider)


@pytest.fixture
def entry(provider):
    community = make_community(facilitator=provider)
    return make_entry(community=community, author=provider)


def _english_url(name: str, *args) -> str:
    """English pages, so the messages can be compared before and after translation."""
    with translation.override("en"):
        return reverse(name, args=args)


def _post_instrument(client, instrument, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    url = _english_url("instruments:attachment_add", instrument.slug)
    return client.post(url, {"title": "Bijlage", "file": upload})


def _post_journal(client, entry, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    url = _english_url("journal:attachment_add", entry.community.slug, entry.pk)
    return client.post(url, {"title": "Bijlage", "file": upload})


def _assert_refused(response, message, media_root):
    assert response.status_code == 400
    errors = str(response.context["attachment_form"].errors["file"])
    assert message in errors
    assert 'role="alert"' in response.content.decode()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_instrument_attachment_refuses(
    provider_client, instrument, settings, case, name, content, message
):
    response = _post_instrument(provider_client, instrument, name, content)

    _assert_refused(response, message, settings.MEDIA_ROOT)
    assert not InstrumentAttachment.objects.exists()


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_journal_attachment_refuses(provider_client, entry, settings, case, name, content, message):
    response = _post_journal(provider_client, entry, name, content)

    _assert_refused(response, message, settings.MEDIA_ROOT)
    assert not JournalAttachment.objects.exists()


def test_oversized_attachments_are_refused_with_both_sizes(
    provider_client, instrument, entry, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = PDF + b"0" * 4096

    _assert_refused(
        _post_instrument(provider_client, instrument, "groot.pdf", big),
        "limit is 1.0",
        settings.MEDIA_ROOT,
    )
    _assert_refused(
        _post_journal(provider_client, entry, "groot.pdf", big), "limit is 1.0", settings.MEDIA_ROOT
    )
    assert not InstrumentAttachment.objects.exists() and not JournalAttachment.objects.exists()


def _assert_clean_storage_name(stored: str, prefix: str, media_root) -> None:
    assert stored.startswith(prefix)
    base = stored.rsplit("/", 1)[-1]
    assert base.endswith(".pdf")
    assert ".." not in stored and "\\" not in stored and "\x00" not in stored
    assert all(c.isascii() and (c.isalnum() or c in "-_.") for c in base), base
    assert len(stored) <= 255
    # The file is inside MEDIA_ROOT, where the name says.
    path = (media_root / stored).resolve()
    assert path.is_file() and media_root.resolve() in path.parents


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_path_like_names_are_stored_cleaned(provider_client, instrument, entry, settings, name):
    response = _post_instrument(provider_client, instrument, name, PDF)
    assert response.status_code == 302
    stored = InstrumentAttachment.objects.get().file.name
    _assert_clean_storage_name(stored, "attachments/instruments/", settings.MEDIA_ROOT)

    response = _post_journal(provider_client, entry, name, PDF)
    assert response.status_code == 302
    stored = JournalAttachment.objects.get().file.name
    _assert_clean_storage_name(stored, "attachments/journal/", settings.MEDIA_ROOT)


def test_a_proper_name_survives_cleaning(provider_client, instrument):
    _post_instrument(provider_client, instrument, "Werkblad fase 1.pdf", PDF)

    assert InstrumentAttachment.objects.get().file.name.endswith("/werkblad-fase-1.pdf")


# --- the spreadsheet import --------------------------------------------------------------

IMPORT_URL = "/en/bibliotheek/importeren/"
HEADER = ["id", "title", "summary", "kind", "phases", "sectors"]
ROW = ["stuurgroep", "Stuurgroep", "Wie zit erin?", "handreiking", "starten", "energie"]

IMPORT_REFUSED = [
    ("an exe named .xlsx", "lijst.xlsx", EXE),
    ("html named .xlsx", "lijst.xlsx", HTML),
    ("an exe named .csv", "lijst.csv", EXE),
    ("a workbook named .csv", "lijst.csv", xlsx_bytes([HEADER, ROW])),
    ("a workbook named .html", "lijst.html", xlsx_bytes([HEADER, ROW])),
    ("a workbook named .exe", "../../lijst.exe", xlsx_bytes([HEADER, ROW])),
    ("a zip bomb named .xlsx", "lijst.xlsx", XLSX_BOMB),
]


def _pending_files(settings):
    folder = settings.VAR_DIR / "library-imports"
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    ("case", "name", "content"), IMPORT_REFUSED, ids=[r[0] for r in IMPORT_REFUSED]
)
def test_the_spreadsheet_import_refuses(provider_client, settings, case, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = provider_client.post(IMPORT_URL, {"file": upload})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Instrument.objects.exists()
    assert _pending_files(settings) == []


def test_the_zip_bomb_message_is_clear(provider_client):
    upload = SimpleUploadedFile("lijst.xlsx", XLSX_BOMB)

    response = provider_client.post(IMPORT_URL, {"file": upload})

    assert "unpacks to an unreasonable size" in str(response.context["form"].errors["file"])


def test_an_oversized_spreadsheet_is_refused(provider_client, settings, monkeypatch):
    monkeypatch.setattr("library.forms.MAX_UPLOAD_BYTES", 100)
    upload = SimpleUploadedFile("lijst.csv", b"id,title\n" + b"x,y\n" * 100)

    response = provider_client.post(IMPORT_URL, {"file": upload})

    assert "the limit is" in str(response.context["form"].errors["file"])
    assert not Instrument.objects.exists() and _pending_files(settings) == []
