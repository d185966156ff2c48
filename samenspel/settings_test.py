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

# Account security. Two deliberate differences, both so that the rest of the suite tests
# its own behaviour: session activity tracking writes on every signed-in request, which
# would shift every pinned query count (accounts/tests/test_sessions.py switches it on);
# and the whole run posts from 127.0.0.1 with reused user ids into one cache, far beyond a
# person's pace, so the rates are lifted (the limits' own tests set small ones).
USERSESSIONS_TRACK_ACTIVITY = False
RATE_LIMITS = {group: "100000/m" for group in RATE_LIMITS}  # noqa: F405

# Background tasks run at once in the request, so a test sees their effect and their errors
# (jobs/tests drive the real queue and worker).
TASKS_INLINE = True
