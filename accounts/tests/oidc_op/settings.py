"""Settings of the test OpenID provider: in-process only, never deployed.

Its cookies have their own names because browsers share cookies between ports of one
host: with Django's default ``sessionid`` the provider would overwrite Samenspel's
session on 127.0.0.1 and lose the sign-in state.
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "test-only-openid-provider-key-not-used-anywhere-else-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "accounts.tests.oidc_op.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OIDC_OP_DATABASE", ":memory:"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Tables straight from the models (``migrate --run-syncdb``): replaying some 40 migrations
# took most of the provider's start-up time (6.5 of 8 s on a busy 2-core machine).
MIGRATION_MODULES = {app.rsplit(".", 1)[-1]: None for app in INSTALLED_APPS}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
TIME_ZONE = "UTC"

SESSION_COOKIE_NAME = "op_sessionid"
CSRF_COOKIE_NAME = "op_csrftoken"
LOGIN_URL = "/login/"

OIDC_USERINFO = "accounts.tests.oidc_op.claims.userinfo"
OIDC_EXTRA_SCOPE_CLAIMS = "accounts.tests.oidc_op.claims.InstitutionClaims"
OIDC_TEMPLATES = {
    "authorize": "oidc_provider/consent.html",
    "error": "oidc_provider/error.html",
}
# The people the provider knows, with the claims it releases about them (see claims.py).
OIDC_OP_PEOPLE_FILE = os.environ.get("OIDC_OP_PEOPLE_FILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
