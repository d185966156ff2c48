"""The JSON API at ``/api/v1/``: one NinjaAPI with a router per domain.

Reads are open to anyone and show what the caller may see; writes need a personal token
(``Authorization: Bearer …``) or a signed-in session with its CSRF token. Every error has
the shape of ``api.errors``. The browsable docs at ``/api/v1/docs`` load Swagger UI from
ninja's own static files (``ninja`` is in INSTALLED_APPS), never from a CDN.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled

from api.errors import error_body, install_error_handlers
from api.routers import comments, communities, experiences, instruments, questions, scans, search
from lib.ratelimits import ApiThrottle

DESCRIPTION = """\
The Samenspel library and its communities as JSON.

* **Reads** need no authentication and return what you may see: with a token or a
  session, also your own drafts and the content of communities you are a member of.
* **Writes** (experiences, comments, questions) need a personal API token, created on
  your profile page: `Authorization: Bearer ssp_…`.
* **Lists** are cursor-paginated: `?limit=1..100`, then follow `next` until it is null.
* **Rate limits**: too many requests in a short time are answered with 429 and a
  `Retry-After` header (seconds).
* **Errors** always look like
  `{"error": {"status": 404, "code": "not_found", "message": "…", "details": []}}`.
"""

api = NinjaAPI(
    title="Samenspel API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    # Rates per IP address or per account: RATE_LIMITS in settings (lib/ratelimits.py).
    throttle=[ApiThrottle()],
)
install_error_handlers(api)


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    """429 in the error shape, with a message a person can act on (ninja adds Retry-After)."""
    message = _("Too many requests in a short time. Wait a moment, then try again.")
    return api.create_response(request, error_body(429, message), status=429)


for module in (instruments, experiences, communities, questions, comments, search, scans):
    api.add_router("", module.router)
