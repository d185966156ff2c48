"""Test settings: the production settings with speed-ups only (never different behaviour)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SAMENSPEL_VAR_DIR", tempfile.mkdtemp(prefix="samenspel-test-"))

from samenspel.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing

# Indexing on save stays cheap; ranking tests (marked "ranking") switch to the real model.
SEARCH_EMBEDDER = "search.embedding.HashingEmbedder"
