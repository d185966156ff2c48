"""``manage.py search``: the JSON shape, --type, --mode and --batch (public content only)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


def test_json_output_has_type_id_title_and_score():
    instrument = InstrumentFactory(title="Zonnepanelen samen inkopen")
    rows = json.loads(_run("zonnepanelen", "--json"))
    assert rows[0] == {
        "type": "instrument",
        "id": instrument.slug,
        "title": "Zonnepanelen samen inkopen",
        "score": rows[0]["score"],
    }
    assert isinstance(rows[0]["score"], float)


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_type_limit_and_mode(mode):
    for n in range(4):
        InstrumentFactory(title=f"Warmtenet variant {n}")
    rows = json.loads(
        _run("warmtenet", "--json", "--type", "instrument", "--limit", "2", "--mode", mode)
    )
    assert len(rows) == 2
    assert {row["type"] for row in rows} == {"instrument"}


def test_batch_prints_one_array_per_line_and_only_public_content(tmp_path, outsider):
    InstrumentFactory(title="Buurtbatterij")
    secret = make_community(facilitator=outsider, visibility="confidential", name="Stille kring")
    make_experience(
        instrument=InstrumentFactory(title="Iets anders"),
        author=outsider,
        community=secret,
        what_was_done="Geheimzinnigewoord in de kring.",
    )
    queries = tmp_path / "queries.txt"
    queries.write_text("buurtbatterij\n\ngeheimzinnigewoord\n", encoding="utf-8")
    lines = _run("--batch", str(queries), "--json", "--mode", "bm25").splitlines()
    assert len(lines) == 3
    first, blank, secret_rows = (json.loads(line) for line in lines)
    assert first[0]["title"] == "Buurtbatterij"
    assert blank == []
    assert secret_rows == []
