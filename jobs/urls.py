from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("opnieuw/", views.failure_retry, name="retry"),
    path("verwijderen/", views.failure_delete, name="delete"),
]
