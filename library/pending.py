"""Uploads waiting between the preview and the confirmation of an import.

The rows read from an upload are kept server-side, so confirming does not mean
uploading again and the browser never holds (or alters) what will be imported. A
pending upload is a JSON file under ``VAR_DIR/library-imports/`` named by a random
token; it records the user it belongs to, and it expires after ``PENDING_TTL``. The
session would do too, but it is loaded on every request and an upload can be
megabytes.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404

from library.problems import Problem
from library.readers import SourceRecord

PENDING_TTL_SECONDS = 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    user_id: int
    name: str
    publish: bool
    records: list[SourceRecord]
    problems: list[Problem]


def pending_dir() -> Path:
    return Path(settings.VAR_DIR) / "library-imports"


def pending_save(
    *, user, name: str, publish: bool, records: list[SourceRecord], problems: list[Problem]
) -> str:
    """Store an upload's rows for ``user``; return the token that names it."""
    directory = pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_expired(directory)
    token = secrets.token_urlsafe(24)
    content = {
        "user_id": user.pk,
        "name": name,
        "publish": publish,
        "records": [{"line": r.line, "data": r.data} for r in records],
        "problems": [asdict(problem) for problem in problems],
    }
    path = directory / f"{token}.json"
    path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return token


def get_pending_upload_for_user(user, token: str) -> PendingUpload:
    """The user's pending upload, or ``Http404`` if it is missing, expired or someone else's."""
    if not _TOKEN.match(token):
        raise Http404
    path = pending_dir() / f"{token}.json"
    try:
        if time.time() - path.stat().st_mtime > PENDING_TTL_SECONDS:
            path.unlink(missing_ok=True)
            raise Http404
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Http404 from None
    if content["user_id"] != user.pk:
        raise Http404
    return PendingUpload(
        token=token,
        user_id=content["user_id"],
        name=content["name"],
        publish=content["publish"],
        records=[SourceRecord(data=r["data"], line=r["line"]) for r in content["records"]],
        problems=[Problem(**problem) for problem in content["problems"]],
    )


def pending_delete(token: str) -> None:
    if _TOKEN.match(token):
        (pending_dir() / f"{token}.json").unlink(missing_ok=True)


def _remove_expired(directory: Path) -> None:
    cutoff = time.time() - PENDING_TTL_SECONDS
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            continue  # removed meanwhile by another request
