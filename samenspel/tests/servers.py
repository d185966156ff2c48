"""Production-like server processes for tests and benchmarks: gunicorn with
``deploy/gunicorn.conf.py`` and ``DEBUG=false`` settings, and a private redis-server.

The two-server test (samenspel/tests/test_two_servers.py) runs two of these against one
database; ``bench/load.py`` may start one the same way. The helpers are plain functions
and small classes, not pytest fixtures, so that a script can use them too:

    env = production_env(database_url=url, var_dir=tmp)
    collectstatic(env)
    server = start_gunicorn(env, workers=2)
    try:
        httpx.get(server.url("/healthz"))
    finally:
        server.stop()

Each process writes its output to a log file, so a full pipe can never block it, and a
test can show the log when something went wrong (``Process.logs``). Every process gets
a session of its own, so ``stop`` ends the master and all its workers and nothing
outlives the caller.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONF = BASE_DIR / "deploy" / "gunicorn.conf.py"
REDIS_SERVER = "/usr/bin/redis-server"

# What a server inherits from the caller: enough to find programs and locales, nothing of
# the test run's own configuration (DJANGO_SETTINGS_MODULE, DATABASE_URL, rates...).
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a Django connection's ``settings_dict`` (PostgreSQL), so a
    server process can use the very database a test uses (its test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    if host.startswith("/"):  # a Unix socket directory, which dj-database-url reads quoted
        host = quote(host, safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def production_env(*, database_url: str, var_dir: str | Path, **overrides: str) -> dict:
    """The environment of a production-like process on plain http://127.0.0.1.

    ``DEBUG=false`` (manifest static files, no debug pages), a fixed secret key so that
    several servers can read each other's signed values, no https redirect or Secure-only
    cookies (there is no TLS proxy in front), no trusted proxy (the client address is the
    socket's), the fast development embedder and tasks run in the request (no worker).
    ``overrides`` set or replace any variable (CACHE_BACKEND, RATE_LIMIT_*, ...).
    """
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "samenspel.settings",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": "two-servers-one-state-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "TRUSTED_PROXY_COUNT": "0",
            "DATABASE_URL": database_url,
            "SAMENSPEL_VAR_DIR": str(var_dir),
            "SEARCH_EMBEDDER": "search.embedding.HashingEmbedder",
            "TASKS_INLINE": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    env.update(overrides)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    """Runs ``manage.py <args>`` with ``env`` and returns its output; raises with the
    output when it fails."""
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def collectstatic(env: dict) -> Path:
    """Collects the static files into ``$SAMENSPEL_VAR_DIR/static`` with the production
    storage (hashed names, compressed copies, ``staticfiles.json``), which DEBUG=false
    templates need for every ``{% static %}``. Returns the static root."""
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return Path(env["SAMENSPEL_VAR_DIR"]) / "static"


class Process:
    """A started server process with its own session and log file."""

    def __init__(self, name: str, args: list[str], env: dict, port: int, log_dir: Path):
        self.name = name
        self.port = port
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def running(self) -> bool:
        return self.process.poll() is None

    def logs(self, last_lines: int = 200) -> str:
        """The end of the process's output (gunicorn's error and access log)."""
        if not self._log.closed:
            self._log.flush()
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-last_lines:])

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (gunicorn stops its workers gracefully), then SIGKILL to the whole
        process group if it is still there after ``timeout`` seconds. Safe to call twice."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        else:
            self.process.wait()
        # Workers that outlived their master (killed above) would keep the port and the
        # database; the group is ours alone (start_new_session).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if not self._log.closed:
            self._log.close()

    def describe(self) -> str:
        """A heading and the log, for a failing test's output."""
        state = "running" if self.running() else f"exited {self.process.returncode}"
        return f"----- {self.name} on port {self.port} ({state}) -----\n{self.logs()}"


def _wait(process: Process, ready, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.running():
            break
        if ready():
            return
        time.sleep(0.1)
    process.stop()
    reason = "exited" if process.process.returncode is not None else f"timed out ({timeout}s)"
    raise RuntimeError(f"{process.name} {reason} before {what}:\n{process.describe()}")


def start_gunicorn(
    env: dict,
    *,
    port: int | None = None,
    workers: int = 2,
    name: str = "gunicorn",
    log_dir: str | Path | None = None,
    timeout: float = 60,
    extra_env: dict | None = None,
) -> Process:
    """Starts gunicorn with ``deploy/gunicorn.conf.py`` on 127.0.0.1:``port`` (a free one
    when None) and returns once ``/healthz`` answers 200, so the database is reachable too.
    Raises with the server's log if it exits or does not answer within ``timeout``."""
    port = port or free_port()
    process_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        **(extra_env or {}),
    }
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix=f"{name}-"))
    process = Process(
        name,
        # No control socket: by default every gunicorn of one user shares
        # $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl, and two servers (or a
        # bench beside a test) would take it from each other.
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--no-control-socket"],
        process_env,
        port,
        log_dir,
    )

    def healthy() -> bool:
        try:
            return httpx.get(process.url("/healthz"), timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    _wait(process, healthy, timeout, "/healthz answered 200")
    return process


def start_redis(
    *, port: int | None = None, data_dir: str | Path | None = None, timeout: float = 10
) -> Process:
    """Starts a private redis-server on 127.0.0.1:``port`` that keeps nothing on disk (no
    snapshots, no append-only file) and returns once it answers PING. Its URL for
    CACHE_LOCATION or REDIS_URL is ``redis://127.0.0.1:<port>/0``."""
    if not shutil.which(REDIS_SERVER):
        raise FileNotFoundError(f"{REDIS_SERVER} is not installed")
    port = port or free_port()
    data_dir = Path(data_dir or tempfile.mkdtemp(prefix="redis-"))
    args = [
        REDIS_SERVER,
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(data_dir),
        "--save", "",
        "--appendonly", "no",
        "--daemonize", "no",
    ]  # fmt: skip
    process = Process("redis", args, {}, port, data_dir)

    def pong() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    _wait(process, pong, timeout, "it answered PING")
    return process
