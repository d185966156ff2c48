"""URL map. Pages are Dutch at the root and English under ``/en/``."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from samenspel import views
from scans import views as scan_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("oai", include("harvest.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # Feeds first: "instrumenten/feed/" must not be read as an instrument called "feed".
    path("", include("feeds.urls")),
    path("", include("instruments.urls")),
    path("begrippen/", include("knowledge.urls")),
    path("communities/<slug:slug>/journaal/", include("journal.urls")),
    path("communities/", include("communities.urls")),
    path("ervaringen/", include("experiences.urls")),
    path("reacties/", include("comments.urls")),
    path("vragen/", include("questions.urls")),
    path("", include("search.urls")),
    path("", include("insights.urls")),
    path("bibliotheek/", include("library.urls")),
    path("meldingen/", include("notifications.urls")),
    path("melden/", include("moderation.report_urls")),
    path("moderatie/", include("moderation.urls")),
    path("auditlog/", include("audit.urls")),
    path("taken/", include("jobs.urls")),
    path("lessen/", include("lessons.urls")),
    path("scans/", include("scans.urls")),
    path("s/<str:code>/", scan_views.short_link, name="scan_short"),
    path("personen/", include("accounts.people_urls")),
    path("gedragscode/", include("accounts.conduct_urls")),
    path("account/gegevens/", include("accounts.personal_data_urls")),
    path("account/api-sleutels/", include("api.account_urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
