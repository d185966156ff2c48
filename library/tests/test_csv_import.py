from __future__ import annotations

import codecs

import pytest

from instruments.models import Instrument
from library.services import LibraryImportFailed, library_import
from library.tests.conftest import database_snapshot, run_command, run_failing_import

pytestmark = pytest.mark.django_db

HEADER = "id,title,summary,description,steps,phases,kind,sectors,audience,related,keywords,links"
ROWS = [
    "stuurgroep,Stuurgroep samenstellen,Wie zit erin?,"
    '"Eerste regel,\n\ntweede regel met ""quotes"".",'
    "Kies leden | Plan overleg,starten | ontwerpen,handreiking,energie,stuurgroep | facilitator,"
    ",bestuur,[Werkblad (pdf)](https://example.org/werkblad.pdf) | [Site](https://example.org/)",
    "reflectie,Reflecteren,Terugkijken.,,,uitvoeren,werkvorm,,,stuurgroep,,",
]


def _csv(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "instruments.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_import_creates_instruments_with_lists_and_links(tmp_path):
    path = _csv(tmp_path, "\r\n".join([HEADER, *ROWS]) + "\r\n")

    stdout, _stderr = run_command("import_library", str(path))

    assert stdout.strip() == "instruments: 2 created, 0 updated, 0 unchanged"
    stuurgroep = Instrument.objects.get(slug="stuurgroep")
    assert stuurgroep.body == 'Eerste regel,\n\ntweede regel met "quotes".'
    assert stuurgroep.steps == ["Kies leden", "Plan overleg"]
    assert stuurgroep.phase_values == ["starten", "ontwerpen"]
    assert [link.audience.name for link in stuurgroep.audience_links.all()] == [
        "stuurgroep",
        "facilitator",
    ]
    assert [(link.title, link.url) for link in stuurgroep.links.all()] == [
        ("Werkblad (pdf)", "https://example.org/werkblad.pdf"),
        ("Site", "https://example.org/"),
    ]
    assert stuurgroep.status == "published"
    reflectie = Instrument.objects.get(slug="reflectie")
    assert (reflectie.steps, reflectie.keywords) == ([], [])
    assert [i.slug for i in reflectie.related.all()] == ["stuurgroep"]


def test_csv_with_byte_order_mark_and_semicolons_is_read(tmp_path):
    text = "id;title;summary;kind;phases\r\nmodel-x;Model X;Kort, maar goed;model;starten\r\n"
    path = tmp_path / "instruments.csv"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))

    library_import(path=path)

    instrument = Instrument.objects.get(slug="model-x")
    assert (instrument.title, instrument.summary) == ("Model X", "Kort, maar goed")


def test_csv_errors_give_the_line_where_the_record_starts(tmp_path):
    rows = [*ROWS, "derde,Derde,Kort.,,,beginnen,model,,,,,"]
    path = _csv(tmp_path, "\n".join([HEADER, *rows]) + "\n")

    errors = run_failing_import(path)

    # The first row spans lines 2 to 4 (a quoted cell holds two line breaks).
    assert errors == [
        'instruments.csv: line 6, record "derde", field "phases": unknown phase "beginnen" '
        "(allowed: starten, ontwerpen, uitvoeren, verduurzamen)"
    ]


def test_csv_reports_header_and_row_problems_without_writing(small_library_in_db, tmp_path):
    before = database_snapshot()
    missing_column = _csv(tmp_path, "id,title,kind,phases\nx,X,model,starten\n", name="a.csv")
    typo = _csv(
        tmp_path,
        "id,title,summary,kind,phases,keywrods\n"
        "x,X,Kort.,model,starten,a\n"
        "y,Y,Kort.,model\n"
        "z,Z,Kort.,model,starten,a,b\n",
        name="b.csv",
    )
    bad_link = _csv(
        tmp_path, "id,title,summary,kind,phases,links\nx,X,K,model,starten,https://x.nl\n"
    )

    assert run_failing_import(missing_column) == [
        'a.csv: line 1, field "summary": missing column (required: id, title, summary, phases, '
        "kind)"
    ]
    assert run_failing_import(typo) == [
        'b.csv: line 1, field "keywrods": unknown column (allowed: id, title, title_en, summary, '
        "description, steps, phases, kind, sectors, audience, source, related, keywords, "
        'when_to_use, licence, status, organisation, links); did you mean "keywords"?',
        "b.csv: line 3: 4 values for 6 columns",
        "b.csv: line 4: 7 values for 6 columns",
    ]
    assert run_failing_import(bad_link) == [
        'instruments.csv: line 2, record "x", field "links": item 1 "https://x.nl" must be '
        "written as [title](https://address)"
    ]
    assert database_snapshot() == before


def test_csv_empty_items_are_reported(tmp_path):
    path = _csv(tmp_path, "id,title,summary,kind,phases\nx,X,K,model,starten || ontwerpen\n")

    with pytest.raises(LibraryImportFailed) as failure:
        library_import(path=path)

    assert [str(problem) for problem in failure.value.problems] == [
        'instruments.csv: line 2, record "x", field "phases": item 2 is empty'
    ]


def test_csv_ignores_blank_lines_and_trailing_empty_cells(tmp_path):
    path = _csv(tmp_path, "id;title;summary;kind;phases\n\nx;X;K;model;starten;;\n\n")

    library_import(path=path)

    assert Instrument.objects.filter(slug="x").exists()


def test_csv_when_to_use_is_a_plain_text_column_and_an_empty_cell_means_none(tmp_path):
    path = _csv(
        tmp_path,
        "id,title,summary,phases,kind,when_to_use\r\n"
        'signalen,Signalen,Wat zie je?,starten,model,"Mensen haken af | niemand\n'
        'voelt zich eigenaar, ""echt"" niet."\r\n'
        "leeg,Leeg,Niets.,starten,model,\r\n",
    )

    run_command("import_library", str(path))

    signalen = Instrument.objects.get(slug="signalen")
    assert signalen.when_to_use == 'Mensen haken af | niemand\nvoelt zich eigenaar, "echt" niet.'
    assert Instrument.objects.get(slug="leeg").when_to_use == ""
