"""Every process Samenspel starts (``manage.py``: the queue worker, commands; the WSGI
entry point: gunicorn's workers) runs the numeric libraries on one native thread unless the
environment says otherwise (``samenspel/native_threads.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samenspel.native_threads import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
PRINT = "import os; print(' '.join(os.environ[name] for name in {names!r}))"


def _environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "samenspel.settings_test"
    return {**env, **extra}


@pytest.mark.parametrize(
    ("extra", "expected"), [({}, "1 1 1"), ({"OMP_NUM_THREADS": "4"}, "4 1 1")]
)
def test_manage_py_sets_one_thread_unless_told_otherwise(extra, expected):
    code = PRINT.format(names=VARIABLES)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_environment(**extra),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_wsgi_entry_point_sets_it_before_numpy_loads():
    code = "import samenspel.wsgi, sys; " + PRINT.format(names=VARIABLES)
    code += "; print('numpy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-2:] == ["1 1 1", "True"]
