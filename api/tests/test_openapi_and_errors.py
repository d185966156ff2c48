"""The OpenAPI document lists every endpoint, the docs load without the internet, and
every error (400, 401, 403, 404, 405, 422, 500) has the API's one shape."""

from __future__ import annotations

import json

import pytest

from api.tests.conftest import ApiClient, assert_error, token_for

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/instruments": {"get"},
    "/api/v1/instruments/{slug}": {"get"},
    "/api/v1/experiences": {"get", "post"},
    "/api/v1/experiences/{experience_id}": {"get"},
    "/api/v1/communities": {"get"},
    "/api/v1/communities/{slug}": {"get"},
    "/api/v1/communities/{slug}/journal": {"get"},
    "/api/v1/journal-entries/{entry_id}": {"get"},
    "/api/v1/questions": {"get", "post"},
    "/api/v1/questions/{question_id}": {"get"},
    "/api/v1/comments": {"post"},
    "/api/v1/search": {"get"},
    "/api/v1/instruments/{slug}/scans": {"get"},
    "/api/v1/scan-rounds/{code}": {"get"},
}


def test_the_openapi_document_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Samenspel API"
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_reads_are_documented_as_open_and_writes_as_authenticated(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {} in paths["/api/v1/instruments"]["get"]["security"]
    assert {} not in paths["/api/v1/comments"]["post"]["security"]
    list_schema = paths["/api/v1/instruments"]["get"]["parameters"]
    assert {"cursor", "limit", "phase", "sector", "kind"} <= {p["name"] for p in list_schema}


def test_the_docs_use_ninjas_bundled_assets_not_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "/api/v1/openapi.json" in html


def test_unknown_paths_under_the_api_are_json_404(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_error(client.get("/api/v1/experiences/abc"), 404, "not_found")
    assert_error(client.get("/api/v1/experiences/%C3%BD%0A%F1"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/v1/instruments")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    response = client.put("/api/v1/experiences")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_401_tells_the_client_to_use_a_bearer_token(client):
    response = ApiClient("ssp_wrong").get("/instruments")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_permission_error_from_a_service_is_403(world, outsider):
    payload = {
        "instrument": world.instrument.slug,
        "community": world.communities["public"].slug,
        "what_was_done": "x",
        "rating": 3,
    }
    error = assert_error(ApiClient(token_for(outsider)).post("/experiences", payload), 403)
    assert error["code"] == "permission_denied"


def test_an_unexpected_failure_is_500_in_the_shape(client, monkeypatch):
    from api.routers import questions

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(questions, "api_questions", broken)
    error = assert_error(client.get("/api/v1/questions"), 500, "server_error")
    assert "boom" not in error["message"]


def test_every_operation_documents_its_errors_in_the_error_shape(client):
    """Found by the fuzz test: reads documented only their 200 and writes missed the 400."""
    document = client.get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            expected = {"401", "422"}
            if method == "post":
                expected |= {"400", "403", "404"}
            elif "{" in path:
                expected |= {"404"}
            if "cursor" in {p["name"] for p in operation.get("parameters", [])}:
                expected |= {"400"}
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == error_ref, (method, path, status)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/instruments/a%00b",
        "/api/v1/communities/a%00b/journal",
        "/api/v1/experiences?instrument=a%00b",
        "/api/v1/instruments?sector=%00",
        "/api/v1/search?q=nul%00teken",
    ],
)
def test_a_null_character_in_the_path_or_query_is_422(client, path):
    """PostgreSQL cannot compare strings holding NUL: a 422, not a 500, on every database."""
    error = assert_error(client.get(path), 422, "validation_error")
    assert error["details"][0]["loc"][0] in {"path", "query"}
