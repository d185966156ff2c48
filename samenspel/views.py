"""Project-wide pages: the home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from instruments.selectors import phase_overview


@require_GET
def home(request):
    return render(request, "home.html", {"phases": phase_overview(user=request.user)})


@never_cache
@require_GET
def healthz(request):
    """Liveness and database status for load balancers and monitoring (no auth, no cookies)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": exc.__class__.__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})
