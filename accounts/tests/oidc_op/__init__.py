"""A small OpenID Connect provider for the sign-in tests (django-oidc-provider).

It is a separate Django project so that the tests talk to a real provider over HTTP on
127.0.0.1, the way allauth talks to LinkedIn or SURFconext: discovery, a login form,
a consent page, a signed ID token and a userinfo endpoint. ``python -m
accounts.tests.oidc_op --help`` starts it; ``accounts/tests/conftest.py`` does that
for the tests.
"""
