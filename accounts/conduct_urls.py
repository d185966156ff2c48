from django.urls import path

from accounts import conduct_views

app_name = "conduct"

urlpatterns = [
    path("", conduct_views.code_of_conduct, name="code_of_conduct"),
    path("accepteren/", conduct_views.accept, name="accept"),
]
