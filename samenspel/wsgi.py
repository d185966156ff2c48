"""WSGI entry point for gunicorn (see README, "Deployment")."""

import os

from samenspel.native_threads import limit_native_threads

limit_native_threads()  # before Django loads the apps, and with them numpy and faiss

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
application = get_wsgi_application()
