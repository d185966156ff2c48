"""Every mutating URL of the library, tried from the outsider's side first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(provider):
    return InstrumentFactory(owner=provider, n="gepubliceerd")


@pytest.fixture
def draft(provider):
    return InstrumentFactory(owner=provider, n="concept", status=Status.DRAFT)


def _clients(request, role: str):
    return (
        request.getfixturevalue(role) if role != "anonymous" else request.getfixturevalue("client")
    )


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("anonymous", "/instrumenten/nieuw/", 302),
        ("outsider_client", "/instrumenten/nieuw/", 403),
        ("provider_client", "/instrumenten/nieuw/", 200),
        ("staff_client", "/instrumenten/nieuw/", 200),
        ("anonymous", "/instrumenten/instrument-gepubliceerd/bewerken/", 302),
        ("outsider_client", "/instrumenten/instrument-gepubliceerd/bewerken/", 403),
        ("other_provider_client", "/instrumenten/instrument-gepubliceerd/bewerken/", 403),
        ("provider_client", "/instrumenten/instrument-gepubliceerd/bewerken/", 200),
        ("staff_client", "/instrumenten/instrument-gepubliceerd/bewerken/", 200),
        ("anonymous", "/instrumenten/instrument-concept/", 404),
        ("other_provider_client", "/instrumenten/instrument-concept/", 404),
        ("other_provider_client", "/instrumenten/instrument-concept/bewerken/", 404),
        ("other_provider_client", "/instrumenten/instrument-concept/revisies/", 404),
        ("provider_client", "/instrumenten/instrument-concept/", 200),
        ("provider_client", "/instrumenten/instrument-concept/bewerken/", 200),
        ("staff_client", "/instrumenten/instrument-concept/", 200),
    ],
)
def test_get_permissions(request, published, draft, role, url, status):
    response = _clients(request, role).get(url)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider_client", 403),
        ("other_provider_client", 403),
        ("provider_client", 302),
    ],
)
def test_posting_an_edit(request, published, role, status):
    data = {
        "title": "Gewijzigd",
        "summary": "Nieuwe samenvatting",
        "phases": ["starten"],
        "kind": "model",
        "status": "published",
    }

    response = _clients(request, role).post(published.get_absolute_url() + "bewerken/", data)

    assert response.status_code == status
    published.refresh_from_db()
    assert (published.title == "Gewijzigd") is (role == "provider_client")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider_client", 403),
        ("other_provider_client", 403),
        ("provider_client", 302),
    ],
)
def test_uploading_an_attachment(request, published, role, status):
    upload = SimpleUploadedFile("werkblad.pdf", b"%PDF-1.7 test", content_type="application/pdf")

    response = _clients(request, role).post(
        published.get_absolute_url() + "bijlagen/", {"title": "Werkblad", "file": upload}
    )

    assert response.status_code == status
    assert published.attachments.exists() is (role == "provider_client")


def test_attachment_upload_refuses_get(provider_client, published):
    response = provider_client.get(published.get_absolute_url() + "bijlagen/")

    assert response.status_code == 405


def test_an_attachment_of_the_wrong_type_gets_a_clear_error(provider_client, published):
    upload = SimpleUploadedFile("werkblad.pdf", b"MZ not a pdf at all")

    response = provider_client.post(
        published.get_absolute_url() + "bijlagen/", {"title": "Werkblad", "file": upload}
    )

    assert response.status_code == 400
    assert "niet toegestaan" in response.content.decode()
    assert not published.attachments.exists()
