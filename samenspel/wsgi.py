"""WSGI entry point for gunicorn (see README, "Deployment")."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
application = get_wsgi_application()
