"""The JSON API at ``/api/v1/``: one NinjaAPI with a router per domain.

Reads are open to anyone and show what the caller may see; writes need a personal token
(``Authorization: Bearer …``) or a signed-in session with its CSRF token. Every error has
the shape of ``api.errors``. The browsable docs at ``/api/v1/docs`` load Swagger UI from
ninja's own static files (``ninja`` is in INSTALLED_APPS), never from a CDN.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from api.errors import install_error_handlers
from api.routers import comments, communities, experiences, instruments, questions, search

DESCRIPTION = """\
The Samenspel library and its communities as JSON.

* **Reads** need no authentication and return what you may see: with a token or a
  session, also your own drafts and the content of communities you are a member of.
* **Writes** (experiences, comments, questions) need a personal API token, created on
  your profile page: `Authorization: Bearer ssp_…`.
* **Lists** are cursor-paginated: `?limit=1..100`, then follow `next` until it is null.
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
)
install_error_handlers(api)

for module in (instruments, experiences, communities, questions, comments, search):
    api.add_router("", module.router)
