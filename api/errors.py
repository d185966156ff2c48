"""One error shape for every error the API returns.

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": [...]}}

``details`` lists field problems as ``{"loc": [...], "message": "...", "type": "..."}``
(for 422) and is empty otherwise. The handlers are installed on the NinjaAPI; the two
responses Django or ninja produce outside them (an unknown path, a wrong method) are
turned into the same shape by ``not_found`` and ``json_method_not_allowed``.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


class ApiError(HttpError):
    """An HttpError with a specific machine-readable ``code`` (e.g. ``invalid_cursor``)."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


def error_body(status: int, message: str, *, code: str = "", details: list | None = None) -> dict:
    return {
        "error": {
            "status": status,
            "code": code or CODES.get(status, "error"),
            "message": str(message),
            "details": details or [],
        }
    }


def error_response(status: int, message: str, *, code: str = "", details=None) -> JsonResponse:
    return JsonResponse(error_body(status, message, code=code, details=details), status=status)


def _ninja_details(errors: list[dict]) -> list[dict]:
    return [
        {"loc": list(error.get("loc", ())), "message": error.get("msg", ""), "type": error["type"]}
        for error in errors
    ]


def _django_details(exc: DjangoValidationError) -> list[dict]:
    """Field errors of a service's ``full_clean`` located in the request body."""
    if not hasattr(exc, "error_dict"):
        return [{"loc": ["body"], "message": m, "type": "invalid"} for m in exc.messages]
    details = []
    for field, errors in exc.error_dict.items():
        loc = ["body"] if field == "__all__" else ["body", field]
        for error in errors:
            message = error.message % error.params if error.params else error.message
            details.append({"loc": loc, "message": str(message), "type": error.code or "invalid"})
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (``{"detail": ...}``, HTML for 500) with ours."""

    def respond(request, status: int, message: str, *, code: str = "", details=None):
        return api.create_response(
            request, error_body(status, message, code=code, details=details), status=status
        )

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError):
        details = _ninja_details(exc.errors)
        return respond(request, 422, _("The request is not valid."), details=details)

    @api.exception_handler(DjangoValidationError)
    def on_service_validation_error(request: HttpRequest, exc: DjangoValidationError):
        details = _django_details(exc)
        return respond(request, 422, _("The request is not valid."), details=details)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
        message = exc.message if exc.message != "Unauthorized" else ""
        response = respond(request, 401, message or _("A valid API token is required."))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError):
        return respond(request, exc.status_code, str(exc), code=getattr(exc, "code", ""))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404):
        return respond(request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied):
        return respond(request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(Exception)
    def on_unexpected_error(request: HttpRequest, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, _("Something went wrong on our side."))


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any path under the API that matches no endpoint."""
    return error_response(404, _("Not found."))


not_found.csrf_exempt = True  # type: ignore[attr-defined]


def json_method_not_allowed(view):
    """Wrap a ninja path view so its 405 (plain text from ninja) uses the error shape."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(405, _("Use one of: %(methods)s.") % {"methods": allowed})
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


_NUL_MESSAGE = "Null characters are not allowed."


def reject_null_characters(view):
    """Wrap a ninja path view: a NUL in the path or the query string is a 422.

    PostgreSQL cannot compare or store strings holding NUL (a 500 otherwise); request
    bodies are checked by ``api.schemas.InputSchema``.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        details = [
            {"loc": ["query", name], "message": _NUL_MESSAGE, "type": "null_character"}
            for name, values in request.GET.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        ]
        if "\x00" in request.path:
            details.insert(0, {"loc": ["path"], "message": _NUL_MESSAGE, "type": "null_character"})
        if details:
            return error_response(422, _("The request is not valid."), details=details)
        return view(request, *args, **kwargs)

    return wrapped
