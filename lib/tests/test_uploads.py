from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from lib.uploads import validate_attachment


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_pdf_is_accepted_by_its_content():
    upload = SimpleUploadedFile("werkblad.pdf", b"%PDF-1.7\n...")

    assert validate_attachment(upload) == "application/pdf"


def test_a_docx_is_recognised_inside_its_zip():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    upload = SimpleUploadedFile("canvas.docx", data)

    assert validate_attachment(upload).endswith("wordprocessingml.document")


def test_a_program_renamed_to_pdf_is_refused():
    upload = SimpleUploadedFile("werkblad.pdf", b"MZ\x90\x00 this is an exe")

    with pytest.raises(ValidationError, match="not allowed"):
        validate_attachment(upload)


def test_an_oversized_file_is_refused_with_both_sizes(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("groot.pdf", b"%PDF-" + b"0" * 2048)

    with pytest.raises(ValidationError, match="limit is 1.0"):
        validate_attachment(upload)


def test_a_zip_bomb_is_refused():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 5_000_000})
    upload = SimpleUploadedFile("bom.docx", data)

    with pytest.raises(ValidationError, match="unreasonable size"):
        validate_attachment(upload)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_attachment(SimpleUploadedFile("leeg.pdf", b""))
