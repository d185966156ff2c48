"""Every user-facing string is translated into Dutch, and the shipped catalogue is current.

Source strings are English; Dutch is the default language, so an untranslated
string would show English on a Dutch page. ``make messages`` refreshes the catalogue.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_every_dutch_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))

    missing = [e.msgid for e in catalogue if not e.obsolete and not _translated(e)]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert missing == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(COMPILED))}

    assert set(compiled) - {(None, "")} == set(source)
    for key, entry in source.items():
        if entry.msgid_plural:
            assert compiled[key].msgstr_plural == entry.msgstr_plural, key
        else:
            assert compiled[key].msgstr == entry.msgstr, key


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="make test installs gettext")
def test_the_catalogue_holds_every_string_of_the_source(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "node_modules"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--ignore=bench"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "samenspel.settings_test"},
    )

    fresh = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    missing = sorted(e.msgid for e in fresh if not e.obsolete and not _translated(e))
    assert missing == [], "run `make messages` and translate these"
