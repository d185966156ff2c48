from django.urls import path

from accounts import personal_data_views as views

app_name = "personal_data"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("download/", views.download, name="download"),
    path("verwijderen/", views.delete, name="delete"),
]
