"""The example configuration in deploy/ must keep matching the code it configures.

Nothing here starts nginx, systemd or Docker (none of them runs on a development machine or
CI); the checks are the ones that catch drift: the env example must list every variable the
settings read (found by reading settings.py, so a new variable fails this test until it is
documented), the units must start commands that exist, gunicorn must accept its config, the
Compose file must parse and name its services, nginx's upload limit must equal Django's, and
``make serve-prod`` must refuse to start on anything but PostgreSQL with production settings.
"""

from __future__ import annotations

import ast
import grp
import os
import pwd
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
SETTINGS_FILE = BASE_DIR / "samenspel" / "settings.py"
ENV_EXAMPLE = DEPLOY / "samenspel.env.example"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
UNITS = ("samenspel-web.service", "samenspel-worker.service")
SERVER_ROOT = "/srv/samenspel"  # where the units expect the checkout


def settings_env_names(path: Path) -> set[str]:
    """Every environment variable ``path`` reads through ``env_*(NAME, ...)``.

    NAME may be a literal, a parameter of the enclosing function (then the literals its
    callers pass, e.g. ``_rate("RATE_LIMIT_LOGIN", ...)``) or an f-string over such
    parameters (``env_str(f"{prefix}_CLIENT_ID")`` in ``_oidc_app(..., "LINKEDIN", ...)``).
    Anything else is an error, so a new way of reading the environment cannot slip past.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def enclosing_function(node):
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def called_name(call: ast.Call) -> str:
        return call.func.id if isinstance(call.func, ast.Name) else ""

    def resolve(expr, function) -> list[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return [expr.value]
        parameters = [arg.arg for arg in function.args.args] if function else []
        if isinstance(expr, ast.Name) and expr.id in parameters:
            position = parameters.index(expr.id)
            return [
                name
                for call in ast.walk(tree)
                if isinstance(call, ast.Call)
                and called_name(call) == function.name
                and len(call.args) > position
                for name in resolve(call.args[position], enclosing_function(call))
            ]
        if isinstance(expr, ast.JoinedStr):
            names = [""]
            for part in expr.values:
                if isinstance(part, ast.Constant):
                    names = [name + part.value for name in names]
                else:
                    names = [n + v for n in names for v in resolve(part.value, function)]
            return names
        raise AssertionError(
            f"settings.py reads an environment variable named by {ast.unparse(expr)}"
        )

    return {
        name
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and called_name(call).startswith("env_") and call.args
        for name in resolve(call.args[0], enclosing_function(call))
    }


def gunicorn_env_names() -> set[str]:
    return set(
        re.findall(r"os\.environ\.get\(\s*\"([A-Z0-9_]+)\"", GUNICORN_CONF.read_text("utf-8"))
    )


def env_example_names() -> set[str]:
    """Variables in the example, set (``NAME=``) or shown with their default (``# NAME=``)."""
    pattern = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


def test_the_settings_scanner_finds_every_way_of_reading_the_environment():
    names = settings_env_names(SETTINGS_FILE)
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG"} <= names  # literals
    assert {"RATE_LIMIT_LOGIN", "RATE_LIMIT_API_USER"} <= names  # through _rate(name, ...)
    assert {"LINKEDIN_CLIENT_SECRET", "SURFCONEXT_CLIENT_ID"} <= names  # f-strings
    assert not any("{" in name for name in names)


def test_env_example_lists_every_variable_the_settings_and_gunicorn_read():
    documented = env_example_names()
    read = settings_env_names(SETTINGS_FILE) | gunicorn_env_names()
    assert sorted(read - documented) == [], "add these to deploy/samenspel.env.example"
    # And nothing stale or misspelt: every documented name is read (secrets also as NAME_FILE).
    known = read | {f"{name}_FILE" for name in read}
    assert sorted(documented - known) == []


def test_env_example_is_a_plain_key_value_file_systemd_and_compose_can_read():
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*=\S.*", line), f"line {number}: {line!r}"
            assert not line.startswith("export ")


def test_gunicorn_accepts_its_config():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            str(GUNICORN_CONF),
            "samenspel.wsgi:application",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_reads_its_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "4")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8123")
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    config = runpy.run_path(str(GUNICORN_CONF))
    assert (config["workers"], config["bind"]) == (4, "127.0.0.1:8123")
    assert config["wsgi_app"] == "samenspel.wsgi:application"
    # Several instances on one machine must not share gunicorn 27's control socket.
    assert config["control_socket_disable"] is True


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


def _local(path: str) -> Path:
    assert path.startswith(SERVER_ROOT + "/"), path
    return BASE_DIR / path.removeprefix(SERVER_ROOT + "/")


@pytest.mark.parametrize("name", UNITS)
def test_systemd_units_start_commands_that_exist(name):
    unit = _unit(name)
    (exec_start,) = unit["ExecStart"]
    command = exec_start.split()
    executable = _local(command[0])
    assert executable.exists() and os.access(executable, os.X_OK), executable
    for argument in command[1:]:
        if argument.startswith(SERVER_ROOT):
            assert _local(argument).is_file(), argument
    assert unit["WorkingDirectory"] == [SERVER_ROOT]
    assert unit["EnvironmentFile"] == ["/etc/samenspel/samenspel.env"]
    if name == "samenspel-worker.service":
        assert command[1:] == [f"{SERVER_ROOT}/manage.py", "qcluster"]
    else:
        assert command[1:] == ["-c", f"{SERVER_ROOT}/deploy/gunicorn.conf.py"]
        (pre,) = unit["ExecStartPre"]  # the shared search index, before any worker starts
        pre = pre.split()
        assert _local(pre[0]).exists() and pre[1:] == [
            f"{SERVER_ROOT}/manage.py",
            "search_index_snapshot",
        ]
        assert "search_index_snapshot" in get_commands()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own check, with the paths pointed at this checkout (and an existing user)."""
    env_file = tmp_path / "samenspel.env"
    env_file.write_text("DEBUG=false\n", encoding="utf-8")
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        text = text.replace(SERVER_ROOT, str(BASE_DIR))
        text = text.replace("/etc/samenspel/samenspel.env", str(env_file))
        text = re.sub(r"^User=.*$", f"User={user}", text, flags=re.MULTILINE)
        text = re.sub(r"^Group=.*$", f"Group={group}", text, flags=re.MULTILINE)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [shutil.which("systemd-analyze"), "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_file_parses_and_runs_web_worker_and_pgvector():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "web", "worker", "redis"}
    assert services["postgres"]["image"] == "pgvector/pgvector:pg15"
    assert services["redis"]["profiles"] == ["redis"]
    assert services["worker"]["command"] == ["python", "manage.py", "qcluster"]
    for name in ("web", "worker"):
        build = services[name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
        assert services[name]["env_file"] == "samenspel.env"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "gunicorn -c deploy/gunicorn.conf.py" in dockerfile
    assert "collectstatic --noinput" in dockerfile


def _nginx_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_upload_limit_equals_django_request_limit():
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    (limit,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", conf, flags=re.MULTILINE)
    assert _nginx_bytes(limit) == settings.REQUEST_MAX_BODY_BYTES
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    # Journal attachments are served only through the view that checks visibility.
    assert re.search(r"location /media/attachments/journal/ \{\s*return 404;", conf)


def _serve_prod(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    base["SAMENSPEL_ENV_FILE"] = str(tmp_path / "absent.env")
    return subprocess.run(
        [shutil.which("bash"), str(DEPLOY / "serve-prod.sh")],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


KEY = "k" * 60


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "bash .ci/postgres.sh"),
        ({"DATABASE_URL": "sqlite:///var/db.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
        ({"DATABASE_URL": "postgres://h/db", "DEBUG": "true"}, "DEBUG=false only"),
        ({"DATABASE_URL": "postgres://h/db"}, "SECRET_KEY (or SECRET_KEY_FILE) is required"),
        ({"DATABASE_URL": "postgres://h/db", "SECRET_KEY": KEY}, "ALLOWED_HOSTS is required"),
    ],
)
def test_serve_prod_refuses_without_production_settings(tmp_path, env, message):
    result = _serve_prod(tmp_path, **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Operations to perform" not in result.stdout  # nothing ran


def test_serve_prod_reads_the_env_file_but_the_environment_wins(tmp_path):
    env_file = tmp_path / "samenspel.env"
    env_file.write_text(
        "# comment\nDATABASE_URL=postgres://h/db\nDEBUG='false'\nALLOWED_HOSTS=from-file\n",
        encoding="utf-8",
    )
    result = _serve_prod(tmp_path, SAMENSPEL_ENV_FILE=str(env_file))
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required" in result.stderr  # the URL was read
    result = _serve_prod(tmp_path, SAMENSPEL_ENV_FILE=str(env_file), DEBUG="yes")
    assert "DEBUG=yes: serve-prod runs with DEBUG=false only" in result.stderr
