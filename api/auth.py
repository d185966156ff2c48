"""Who is calling the API.

- ``Authorization: Bearer <token>`` with a personal token (``ApiTokenAuth``). An unknown
  or revoked token is refused with 401 on every endpoint, reads included, rather than
  silently treated as anonymous: a client with a broken token should find out.
- The site's session cookie (``SessionAuth``, ninja's ``django_auth``), so pages and the
  browsable docs can call the API as the signed-in person; unsafe methods then need the
  CSRF token, as forms do.
- Reads also accept nobody (``anonymous``) and show what an anonymous visitor sees.

``request.auth`` is the user in every case; endpoints read it through ``caller``.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from api.selectors import get_active_token
from api.services import api_token_record_use


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = get_active_token(token)
        if api_token is None:
            raise AuthenticationError(message=_("This API token is unknown or revoked."))
        api_token_record_use(api_token)
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SignedInSession(SessionAuth):
    """The session, with the CSRF check only for a signed-in caller.

    Ninja's ``SessionAuth`` checks CSRF before it looks at the user, which would answer an
    anonymous POST with 403 (CSRF) instead of 401 (who are you?).
    """

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class _Anonymous(AnonymousUser):
    """An anonymous caller that counts as authenticated *for ninja* (it is truthy)."""

    def __bool__(self) -> bool:
        return True


def anonymous(request: HttpRequest):
    """Last in the read endpoints' auth list: nobody is fine, with the public view."""
    return _Anonymous()


TOKEN_AUTH = ApiTokenAuth()
SESSION_AUTH = SignedInSession(csrf=True)
WRITE_AUTH = [TOKEN_AUTH, SESSION_AUTH]
READ_AUTH = [TOKEN_AUTH, SESSION_AUTH, anonymous]

# In the OpenAPI document a read lists "no authentication" as a third option.
ANONYMOUS_ALLOWED = {"security": [{}]}


def caller(request: HttpRequest):
    """The user the request acts for (an AnonymousUser on anonymous reads)."""
    user = getattr(request, "auth", None)
    return user if user is not None else AnonymousUser()
