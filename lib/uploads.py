"""Checks on uploaded files by their content, not their name.

A file is accepted only if its first bytes (and, for Office and OpenDocument files,
the parts inside the zip) match one of the allowed types, and if it is not larger
than ``ATTACHMENT_MAX_BYTES``. Zip containers are also refused when they would
unpack to far more than they weigh (zip bombs). The name must end in an extension of
the type the bytes show (a real PDF called ``page.html`` is refused, because a server or
browser may trust the name), and the stored name is rebuilt from a cleaned stem and that
extension, so no path, control character or over-long name reaches the storage.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
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
# The extensions a name may end in for each content type; the first is used when stored.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    OOXML_TYPES["word/"]: (".docx",),
    OOXML_TYPES["xl/"]: (".xlsx",),
    OOXML_TYPES["ppt/"]: (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
NAME_MAX_CHARS = 80


def check_zip_size(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that would unpack to far more than it weighs (a zip bomb); the sizes
    come from the central directory, so nothing is unpacked to find out."""
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if (
        len(members) > ZIP_MAX_MEMBERS
        or unpacked > ZIP_MAX_UNPACKED_BYTES
        or unpacked / packed > ZIP_MAX_RATIO
    ):
        raise ValidationError(_("This file unpacks to an unreasonable size."))


def check_zip_upload(uploaded) -> None:
    """``check_zip_size`` for an uploaded file that may be a zip (an .xlsx workbook)."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            check_zip_size(archive)
    except (zipfile.BadZipFile, OSError, EOFError):
        return  # not a zip: the reader says what is wrong with it
    finally:
        uploaded.seek(0)


def safe_file_name(name: str, content_type: str) -> str:
    """A storage name made of a cleaned stem of ``name`` and the type's own extension.

    Slashes, backslashes, "..", NUL and other control characters cannot survive
    ``slugify``; the stem is cut to ``NAME_MAX_CHARS`` so the path fits the column."""
    base = name.replace("\\", "/").split("/")[-1]
    stem = PurePosixPath(unicodedata.normalize("NFKC", base)).stem
    cleaned = slugify(stem)[:NAME_MAX_CHARS].strip("-_") or "bestand"
    return cleaned + EXTENSIONS[content_type][0]


def _zip_content_type(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            check_zip_size(archive)
            members = archive.infolist()
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
    """Return the file's content type, or raise ValidationError with a message for the user.

    An accepted file is renamed to ``safe_file_name``: that is the name it is stored under."""
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
    extensions = EXTENSIONS[content_type]
    if not (uploaded.name or "").lower().endswith(extensions):
        raise ValidationError(
            _("This file's name does not match its content; name it with %(extension)s.")
            % {"extension": extensions[0]}
        )
    uploaded.name = safe_file_name(uploaded.name, content_type)
    return content_type
