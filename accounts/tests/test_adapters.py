"""Mapping an identity provider's claims onto the profile (accounts/adapters.py)."""

from __future__ import annotations

import pytest
import requests
from allauth.socialaccount.providers.base import AuthError

from accounts import services
from accounts.adapters import failure_reason, name_from_claims, organisation_from_claims
from accounts.tests.factories import UserFactory
from instruments.models import Organisation


@pytest.mark.parametrize(
    ("claims", "name"),
    [
        ({"name": "Ada Lovelace", "given_name": "A", "family_name": "L"}, "Ada Lovelace"),
        ({"given_name": "Bram", "family_name": "de Vries"}, "Bram de Vries"),
        ({"first_name": "Bram", "last_name": "de Vries"}, "Bram de Vries"),
        ({"given_name": "Cher"}, "Cher"),
        ({"email": "x@example.org"}, ""),
        ({"name": "x" * 400}, "x" * 150),
    ],
)
def test_the_name_comes_from_name_or_given_and_family_name(claims, name):
    assert name_from_claims(claims) == name


@pytest.mark.parametrize(
    ("claims", "organisation"),
    [
        ({"schac_home_organization": "uva.nl"}, "uva.nl"),
        (
            {"organization": "Gemeente Utrecht", "schac_home_organization": "x.nl"},
            "Gemeente Utrecht",
        ),
        ({"org": " Hogeschool Oost "}, "Hogeschool Oost"),
        ({"organization": {"id": 3}}, ""),
        ({"organization": ""}, ""),
        ({}, ""),
    ],
)
def test_the_organisation_comes_from_the_first_organisation_claim(claims, organisation):
    assert organisation_from_claims(claims) == organisation


@pytest.mark.django_db
def test_a_provider_organisation_is_reused_by_name_and_never_overwrites_a_chosen_one():
    existing = Organisation.objects.create(name="Hogeschool Oost", slug="hogeschool-oost")
    newcomer = UserFactory()
    chosen = UserFactory()
    services.profile_update(user=chosen, name="C", organisation="Eigen Keuze", roles=[])

    services.profile_fill_from_provider(user=newcomer, organisation="Hogeschool Oost")
    services.profile_fill_from_provider(user=chosen, organisation="Hogeschool Oost")

    newcomer.refresh_from_db()
    chosen.refresh_from_db()
    assert newcomer.organisation == existing
    assert chosen.organisation.name == "Eigen Keuze"
    assert Organisation.objects.filter(name="Hogeschool Oost").count() == 1


def test_a_failure_is_explained_by_its_cause():
    down = requests.ConnectionError("refused")
    assert failure_reason(error=None, exception=down, context={}) == "unreachable"
    assert failure_reason(error=AuthError.CANCELLED, exception=None, context={}) == "cancelled"
    no_state = {"callback_view": object(), "state_id": "forged"}
    assert failure_reason(error=AuthError.UNKNOWN, exception=None, context=no_state) == "state"
    with_state = {"callback_view": object(), "state": {"process": "login"}}
    assert failure_reason(error=AuthError.UNKNOWN, exception=None, context=with_state) == "failed"
