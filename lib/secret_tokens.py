"""Secrets people carry in links and headers: invitation links, API keys, feed keys.

Only a SHA-256 hash of such a token is stored, so a copy of the database opens nothing;
the plain token is shown once, when it is made. A marker in front ("ssp_", "ssf_") lets
people and secret scanners recognise what a token is for.
"""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(marker: str = "") -> str:
    """256 random bits, URL-safe, after ``marker``."""
    return marker + secrets.token_urlsafe(32)
