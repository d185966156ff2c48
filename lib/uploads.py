"""Checks on uploaded files by their content, not their name.

A file is accepted only if its first bytes (and, for Office and OpenDocument files,
the parts inside the zip) match one of the allowed types, and if it is not larger
than ``ATTACHMENT_MAX_BYTES``. Zip containers are also refused when they would
unpack to far more than they weigh (zip bombs).
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ZIP_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 2000

OOXML_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}


def _zip_content_type(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = max(1, sum(member.compress_size for member in members))
            if (
                len(members) > ZIP_MAX_MEMBERS
                or unpacked > ZIP_MAX_UNPACKED_BYTES
                or unpacked / packed > ZIP_MAX_RATIO
            ):
                raise ValidationError(_("This file unpacks to an unreasonable size."))
            names = {member.filename for member in members}
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype in ODF_TYPES else None
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        uploaded.seek(0)
    return None


def sniff_content_type(uploaded) -> str | None:
    """The allowed content type that the file's bytes show, or None."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_content_type(uploaded)
    return None


def validate_attachment(uploaded) -> str:
    """Return the file's content type, or raise ValidationError with a message for the user."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    if uploaded.size == 0:
        raise ValidationError(_("This file is empty."))
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _(
                "This type of file is not allowed. Upload a PDF, Word, Excel, PowerPoint, "
                "OpenDocument, PNG or JPEG file."
            )
        )
    return content_type
