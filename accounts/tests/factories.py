from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.utils import timezone

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified e-mail address (allauth refuses unverified logins)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    # Accounts in tests are established unless a test asks for a new one
    # (``trusted_at=None``): a new account's first contributions are held for review.
    trusted_at = factory.LazyFunction(timezone.now)
    code_of_conduct_accepted_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def two_factor(self, create, extracted, **kwargs):
        """Moderators and staff must use TOTP (accounts/security.py), so they get an
        authenticator unless a test passes ``two_factor=False``; ``two_factor=True`` gives
        one to anybody. The secret is kept on ``user.totp_secret`` to compute codes."""
        wanted = self.can_moderate_platform if extracted is None else extracted
        if create and wanted:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


def current_totp_code(secret: str) -> str:
    """The authenticator code for ``secret`` right now (what a phone app would show)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def signed_in_client(user) -> Client:
    """A test client signed in as ``user`` (the session, without the sign-in form), or an
    anonymous one for ``None`` (so permission tables can list "anonymous" as a person)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
