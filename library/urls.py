from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("importeren/", views.import_upload, name="import"),
    path("importeren/resultaat/", views.import_result, name="import_result"),
    path("importeren/<str:token>/", views.import_preview, name="import_preview"),
    path("importeren/<str:token>/bevestigen/", views.import_confirm, name="import_confirm"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
]
