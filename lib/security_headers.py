"""The Content-Security-Policy header (django-csp), with the identity providers allowed
as form targets.

Signing in with LinkedIn or SURFconext posts a form to our own login URL, which
redirects to the provider; browsers apply ``form-action`` to that redirect too, so the
providers' origins must be in it. They are read from ``SOCIALACCOUNT_PROVIDERS`` on each
response, so the policy follows the configuration (and a test's local provider).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def identity_provider_origins() -> list[str]:
    """The scheme, host and port of every configured OpenID Connect provider."""
    apps = (getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get("openid_connect") or {}).get(
        "APPS", []
    )
    origins = []
    for app in apps:
        parts = urlsplit((app.get("settings") or {}).get("server_url", ""))
        if parts.scheme in {"http", "https"} and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


class SamenspelCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``form-action`` extended by the identity providers."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = identity_provider_origins()
        if origins:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            parts.update = update
        return parts
