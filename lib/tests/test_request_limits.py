"""Oversized bodies and query strings are refused early (``lib.request_limits``), Django's
own body limits answer 400 rather than 500, and odd API input gets the one error shape."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from api.services import api_token_create
from instruments.tests.factories import InstrumentFactory
from library.imports import MAX_UPLOAD_BYTES as IMPORT_MAX_BYTES

pytestmark = pytest.mark.django_db

PAGE = "/en/instrumenten/"
API = "/api/v1/instruments"


def _api_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["status"] == status and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_the_body_limit_is_above_every_legitimate_upload():
    assert django_settings.REQUEST_MAX_BODY_BYTES > django_settings.ATTACHMENT_MAX_BYTES
    assert django_settings.REQUEST_MAX_BODY_BYTES > IMPORT_MAX_BYTES
    assert django_settings.REQUEST_MAX_QUERY_STRING_BYTES >= 4096


def test_the_limits_run_before_sessions_and_csrf():
    middleware = django_settings.MIDDLEWARE
    position = middleware.index("lib.request_limits.RequestLimitsMiddleware")
    assert position < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert position < middleware.index("django.middleware.csrf.CsrfViewMiddleware")


def test_a_long_query_string_is_a_short_400_page(client):
    response = client.get(PAGE + "?q=" + "a" * 5000)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    with translation.override(django_settings.LANGUAGE_CODE):
        expected = gettext("The address of this request is longer than %(limit)s characters.")
    assert (expected % {"limit": 4096}).encode() in response.content
    assert len(response.content) < 1000


def test_a_query_string_at_the_limit_is_served(client):
    assert client.get(PAGE + "?q=" + "a" * (4096 - 2)).status_code == 200


def test_a_long_query_string_under_the_api_is_400_in_the_error_shape(client):
    _api_error(client.get(API + "?search=" + "a" * 5000), 400, "query_too_long")


def test_an_oversized_body_is_413_without_being_read(client):
    # Only the header says 20 GB; the middleware refuses before anything reads the body.
    response = client.post(PAGE, data=b"", content_type="text/plain", CONTENT_LENGTH=str(20 << 30))

    assert response.status_code == 413
    with translation.override(django_settings.LANGUAGE_CODE):
        size = filesizeformat(20 << 30)
    assert size in response.content.decode()


def test_an_oversized_body_under_the_api_is_413_in_the_error_shape(client):
    response = client.post(
        "/api/v1/questions", data=b"", content_type="application/json", CONTENT_LENGTH="99999999"
    )

    _api_error(response, 413, "payload_too_large")


def test_the_api_refuses_bodies_over_djangos_memory_limit_before_they_become_500(client, settings):
    """Inside a ninja view ``RequestDataTooBig`` would reach the catch-all 500 handler."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"title": "x" * 2048})

    response = client.post("/api/v1/questions", body, content_type="application/json")

    _api_error(response, 413, "payload_too_large")


def test_too_many_query_parameters_under_the_api_are_400_in_the_error_shape(client):
    _api_error(client.get(API + "?" + "a=1&" * 1001), 400, "too_many_fields")


def test_a_content_length_that_is_not_a_number_is_400(client):
    response = client.post(PAGE, data=b"", content_type="text/plain", CONTENT_LENGTH="lots")

    assert response.status_code == 400


def test_an_upload_under_the_limit_passes(provider, provider_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUEST_MAX_BODY_BYTES = 64 * 1024
    instrument = InstrumentFactory(owner=provider)
    upload = SimpleUploadedFile("werkblad.pdf", b"%PDF-1.4\n" + b"0" * 1024)

    response = provider_client.post(
        f"/en/instrumenten/{instrument.slug}/bijlagen/", {"title": "Werkblad", "file": upload}
    )

    assert response.status_code == 302
    assert instrument.attachments.count() == 1


def test_djangos_form_body_limit_is_a_400_not_a_500(outsider_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = outsider_client.post("/en/vragen/nieuw/", {"title": "x", "body": "y" * 4096})

    assert response.status_code == 400


def test_djangos_field_count_limit_is_a_400_not_a_500(outsider_client, client):
    fields = {f"f{n}": "x" for n in range(1001)}

    assert outsider_client.post("/en/vragen/nieuw/", fields).status_code == 400
    assert client.get("/en/zoeken/?" + "a=1&" * 1001).status_code == 400


@pytest.fixture
def token_client(outsider) -> Client:
    _token, plain = api_token_create(user=outsider, name="test")
    return Client(headers={"Authorization": f"Bearer {plain}"})


@pytest.mark.parametrize(
    "body",
    [
        {"title": 12},
        {"title": ["a"]},
        {"title": {"$gt": ""}},
        {"title": "x" * 251},
        {"title": "x", "phase": "<script>"},
        {"title": "x", "sector": 10**40},
        {"title": None},
        {},
    ],
    ids=["number", "list", "object", "too long", "bad choice", "huge int", "null", "empty"],
)
def test_malformed_api_input_is_422_in_the_error_shape(token_client, body):
    response = token_client.post("/api/v1/questions", body, content_type="application/json")

    error = _api_error(response, 422, "validation_error")
    assert error["details"] and error["details"][0]["loc"][0] == "body"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"\xff\xfe{not utf-8", "application/json"),
        (b"title=x&body=y", "application/x-www-form-urlencoded"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
    ],
    ids=["not utf-8", "a form body", "deeply nested"],
)
def test_odd_api_bodies_are_refused_in_the_error_shape_never_500(token_client, data, content_type):
    response = token_client.post("/api/v1/questions", data, content_type=content_type)

    assert response.status_code in {400, 422}
    _api_error(response, response.status_code)
