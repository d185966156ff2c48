"""How long the spreadsheet import's preview takes for a large workbook.

Same throwaway SQLite database as ``bench/pages.py`` (imported from it): migrate, load
the demo library, then build an .xlsx of ROWS instruments with openpyxl (every tenth
row updates a demo instrument, the rest are new) and time, ROUNDS times each:

- ``read``: reading the workbook into records (``library.spreadsheets.read_upload``);
- ``upload``: POST of the file to /bibliotheek/importeren/ (read, check, store);
- ``preview``: GET of the preview page (validate, compare with the database, render).

Prints p50 and max in milliseconds and the preview's query count. Staff uploads, so
the updated demo instruments (which have no owner) are allowed.

    .venv/bin/python bench/spreadsheet_import.py [--rows 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from pages import _counter  # noqa: E402  (sets up Django and a temp database)

from accounts.tests.factories import UserFactory  # noqa: E402
from instruments.models import Instrument  # noqa: E402
from library.spreadsheets import read_upload  # noqa: E402

HEADER = ["id", "title", "summary", "description", "steps", "phases", "kind", "sectors",
          "audience", "keywords"]  # fmt: skip


def workbook_bytes(rows: int) -> bytes:
    demo = list(Instrument.objects.values_list("slug", flat=True))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for n in range(rows):
        update = n % 10 == 0 and n // 10 < len(demo)
        slug = demo[n // 10] if update else f"bench-instrument-{n}"
        sheet.append([
            slug, f"Instrument {n}", "Een korte samenvatting.", "Een beschrijving. " * 20,
            "Eerste stap | Tweede stap", "starten | uitvoeren", "werkvorm",
            "energie | zorg-welzijn", "facilitator", "samenwerken | leren",
        ])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(response) -> str:
    """The first problems listed on a preview page, to say why a run stopped."""
    html = response.content.decode()
    return "; ".join(part.split("</li>")[0] for part in html.split("<li>")[1:6])


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--skip-index", verbosity=0)
    raw = workbook_bytes(args.rows)
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    times: dict[str, list[float]] = {"read": [], "upload": [], "preview": []}
    queries: list[str] = []
    for _ in range(args.rounds):
        times["read"].append(timed(lambda: read_upload(raw, name="bench.xlsx"))[0])
        upload = SimpleUploadedFile("bench.xlsx", raw)
        ms, response = timed(lambda: client.post("/bibliotheek/importeren/", {"file": upload}))  # noqa: B023
        assert response.status_code == 302, response.status_code
        times["upload"].append(ms)
        queries.clear()
        with connection.execute_wrapper(_counter(queries)):
            ms, preview = timed(lambda: client.get(response["Location"]))  # noqa: B023
        assert preview.status_code == 200
        assert b'data-testid="cannot-import"' not in preview.content, _problems(preview)
        times["preview"].append(ms)
    print(f"{args.rows} rows, {len(raw) / 1024:.0f} KiB workbook, {args.rounds} rounds")
    for name, values in times.items():
        print(f"{name:>8}: p50 {statistics.median(values):7.0f} ms   max {max(values):7.0f} ms")
    print(f"preview queries: {len(queries)}")


if __name__ == "__main__":
    main()
