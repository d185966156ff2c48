"""The claims the test provider releases, shaped like SURFconext's and LinkedIn's.

People come from the JSON file named by ``OIDC_OP_PEOPLE_FILE`` (written by the test
fixture): ``{"username": {"name": ..., "email": ..., "email_verified": ..., ...}}``.
"""

from __future__ import annotations

import json
from functools import cache

from django.conf import settings
from oidc_provider.lib.claims import ScopeClaims


@cache
def people() -> dict[str, dict]:
    with open(settings.OIDC_OP_PEOPLE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def _person(user) -> dict:
    return people().get(user.get_username(), {})


def userinfo(claims: dict, user) -> dict:
    person = _person(user)
    for key in ("name", "given_name", "family_name", "email", "email_verified"):
        if key in person:
            claims[key] = person[key]
    return claims


class InstitutionClaims(ScopeClaims):
    """Organisation claims released with the ``profile`` scope, as SURFconext does with
    ``schac_home_organization`` (no extra scope to ask for)."""

    def scope_profile(self) -> dict:
        person = _person(self.user)
        return {
            key: person.get(key)
            for key in ("schac_home_organization", "organization")
            if person.get(key)
        }
