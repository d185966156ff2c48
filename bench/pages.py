"""Server-side latency and query counts of the library's pages over the demo library.

Runs in a throwaway SQLite database (never your own): migrates, loads the demo
library, then requests every page ROUNDS times through Django's test client and
prints p50/p95/p99 in milliseconds and the number of queries per request.

    .venv/bin/python bench/pages.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["SAMENSPEL_VAR_DIR"] = tempfile.mkdtemp(prefix="samenspel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
os.environ["DEBUG"] = "true"
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = {
    "home": "/",
    "list": "/instrumenten/",
    "list+facets": "/instrumenten/?fase=uitvoeren&sector=algemeen&soort=werkvorm",
    "list page 3": "/instrumenten/?page=3",
    "phase": "/fasen/uitvoeren/",
    "instrument": "/instrumenten/stand-up-met-foto/",
    "concept": "/begrippen/boundary-crossing/",
    "english list": "/en/instrumenten/?fase=starten",
    "communities": "/communities/",
    "community": "/communities/gas-erop/",
    "journal": "/communities/gas-erop/journaal/",
    "experiences": "/ervaringen/",
    "questions": "/vragen/",
}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def _counter(queries: list[str]):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    print(f"demo library loaded in {time.perf_counter() - started:.1f} s")

    client = Client()
    print(f"{'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'queries':>8}")
    for name, url in PAGES.items():
        queries: list[str] = []
        # Counted with a wrapper: the connection is reopened per request (CONN_MAX_AGE=0),
        # which resets the debug query log that CaptureQueriesContext reads.
        with connection.execute_wrapper(_counter(queries)):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:<14} {statistics.median(timings):8.1f} {percentile(timings, 95):8.1f} "
            f"{percentile(timings, 99):8.1f} {len(queries):8d}"
        )


if __name__ == "__main__":
    main()
