from django.urls import path

from accounts import personal_data_views as views

app_name = "personal_data"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export_request, name="export_request"),
    path("export/status/", views.export_status, name="export_status"),
    path("export/<uuid:token>/", views.export_download, name="export_download"),
    path("verwijderen/", views.delete, name="delete"),
]
