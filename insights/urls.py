from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("inzichten/", views.my_insights, name="mine"),
    path("inzichten/aanbieder/<int:user_id>/", views.provider_insights, name="provider"),
    path("instrumenten/<slug:slug>/inzichten/", views.instrument_insights, name="instrument"),
]
