"""Property-based fuzzing of ``/api/v1/`` against its own OpenAPI document (schemathesis).

Every operation in ``/api/v1/openapi.json`` is called with generated input, anonymously
and with a valid personal token, in-process through Django's WSGI application (the test
database, no server). Each response must pass schemathesis's checks: no 5xx, a documented
status code and content type, and a body that matches the documented schema — errors
included, so every error an operation can answer is declared with ``ErrorOut``.

Bounded and derandomized so ``make test`` stays quick and deterministic; skip it with
``pytest -m "not fuzz"``.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.tests.conftest import token_for

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = 25

# Every built-in check but one: ``positive_data_acceptance`` wants any schema-valid request
# accepted, but whether a cursor, an instrument slug or a sector code exists is data, not
# schema (an invented cursor is a 400, an unknown slug a 404, an unknown sector a 422). Those
# answers are still checked: documented, in the error shape, never a 5xx.
EXCLUDED_CHECKS = [positive_data_acceptance]

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI handler keep the test's connection and transaction.

    Django's handler closes "old" connections at the start and end of each request; inside
    the test's transaction that would roll it back. Its test client turns this off too.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world) -> dict:
    return {"Authorization": f"Bearer {token_for(world.member, name='fuzz')}"}


# Loaded eagerly at collection (serving the document needs no database). The lazy
# ``schemathesis.pytest.from_fixture`` of schemathesis 4.32.5 does not run on pytest 9.2:
# it sets ``Node._nodeid``, which pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_anonymously(case, world, in_process_requests):
    case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_with_a_token(case, bearer, in_process_requests):
    case.call_and_validate(headers=bearer, excluded_checks=EXCLUDED_CHECKS)
