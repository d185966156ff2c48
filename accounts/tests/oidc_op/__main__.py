"""Start the test OpenID provider: migrate a fresh SQLite file, create an RSA signing key,
the people and one client, then serve on 127.0.0.1 until killed.

    python -m accounts.tests.oidc_op --port 8765 --database /tmp/op.sqlite3 \\
        --people people.json --client-id samenspel --client-secret s3cret \\
        --redirect-uri http://127.0.0.1:8000/account/oidc/surfconext/login/callback/

Readiness: ``GET /openid/.well-known/openid-configuration`` answers 200.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m accounts.tests.oidc_op")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True, help="SQLite file, created if missing")
    parser.add_argument("--people", required=True, help="JSON file: username -> claims")
    parser.add_argument("--password", default="provider password")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    return parser.parse_args(argv)


def _set_up(args: argparse.Namespace) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    # The response types come from a data migration, skipped with the migrations.
    ResponseType.objects.get_or_create(
        value="code", defaults={"description": "code (Authorization Code Flow)"}
    )
    if not RSAKey.objects.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        RSAKey.objects.create(key=pem)
    with open(args.people, encoding="utf-8") as handle:
        people = json.load(handle)
    user_model = get_user_model()
    for username, claims in people.items():
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": claims.get("email", "")}
        )
        user.set_password(args.password)
        user.save()
    client, _ = Client.objects.update_or_create(
        client_id=args.client_id,
        defaults={
            "name": "Samenspel",
            "client_type": "confidential",
            "client_secret": args.client_secret,
            "jwt_alg": "RS256",
            "require_consent": True,
            "reuse_consent": False,
            "_redirect_uris": "\n".join(args.redirect_uri),
        },
    )
    client.response_types.set(ResponseType.objects.filter(value="code"))


def main(argv: list[str] | None = None) -> None:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "accounts.tests.oidc_op.settings"
    os.environ["OIDC_OP_DATABASE"] = args.database
    os.environ["OIDC_OP_PEOPLE_FILE"] = args.people

    import django
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    _set_up(args)
    WSGIServer.request_queue_size = 20
    run("127.0.0.1", args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
