"""Report anything: ``/melden/<kind>/<id>/`` (kinds are the keys of ``moderation.registry``)."""

from django.urls import path

from moderation import report_views

app_name = "reports"

urlpatterns = [
    path("<str:kind>/<int:object_id>/", report_views.report, name="report"),
]
