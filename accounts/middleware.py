"""A friendly page instead of a server error when an identity provider cannot be reached."""

from __future__ import annotations

from http import HTTPStatus

import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import render_authentication_error

OIDC_VIEWS = frozenset({"openid_connect_login", "openid_connect_callback"})


class IdentityProviderUnavailableMiddleware:
    """allauth handles network errors during the callback, but not when a sign-in starts: it
    then fetches the provider's discovery document (``/.well-known/openid-configuration``)
    and a refused connection or a timeout would surface as a 500. This turns exactly that
    case into allauth's sign-in error page, answered with 503 Service Unavailable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, requests.RequestException):
            return None
        match = request.resolver_match
        if match is None or match.url_name not in OIDC_VIEWS:
            return None
        provider = get_adapter().get_provider(request, match.kwargs["provider_id"])
        response = render_authentication_error(request, provider, exception=exception)
        response.status_code = HTTPStatus.SERVICE_UNAVAILABLE
        return response
