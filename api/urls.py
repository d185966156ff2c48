"""The JSON API, mounted at ``/api/v1/`` outside the language prefix.

Ninja's views are wrapped so a wrong method answers in the API's error shape and a NUL in
the path or query string is a 422; any other path under ``/api/v1/`` is a JSON 404 rather
than the site's HTML page.
"""

from django.urls import URLPattern, re_path

from api.api import api
from api.errors import json_method_not_allowed, not_found, reject_null_characters

_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    URLPattern(
        p.pattern,
        json_method_not_allowed(reject_null_characters(p.callback)),
        p.default_args,
        p.name,
    )
    for p in _patterns
]
# [\s\S], not ".": a path may hold a newline (%0A), and it must still get the API's 404.
urlpatterns.append(re_path(r"^[\s\S]*$", not_found, name="not_found"))

app_name = _namespace
