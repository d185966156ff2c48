from django.urls import path

from harvest import views

app_name = "harvest"

urlpatterns = [
    path("", views.endpoint, name="endpoint"),
]
