"""Configuration from the environment: bad values fail loudly, production passes check --deploy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "samenspel.settings"})
    clean["SAMENSPEL_VAR_DIR"] = str(tmp_path)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "samenspel.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        },
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY (or SECRET_KEY_FILE) is required"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "at least 50 characters"),
        (
            {"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": ""},
            "ALLOWED_HOSTS is required",
        ),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is not a database URL"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five' is not a whole number"),
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "cannot both be true"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "is not a file"),
    ],
)
def test_bad_configuration_stops_with_a_clear_message(tmp_path, env, message):
    result = _manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(secrets.token_urlsafe(64))
    result = _manage(
        "check",
        env={
            "DEBUG": "false",
            "SECRET_KEY_FILE": str(secret_file),
            "ALLOWED_HOSTS": "samenspel.example.org",
        },
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration_and_keeps_no_secret_in_code(tmp_path):
    result = _manage("check", env={}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dev-secret-key").read_text().strip()
