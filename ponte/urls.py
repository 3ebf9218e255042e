from django.contrib import admin
from django.urls import include, path

from ponte.api.main import api
from ponte.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("search/", core_views.search_page, name="search"),
    path("open-data/", include("ponte.opendata.urls")),
    path("open-data/", core_views.open_data, name="open_data"),
    path("notifications/", core_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", core_views.notification_open, name="notification_open"),
    path("audit/", core_views.audit_trail, name="audit_trail"),
    path("attachments/<uuid:pk>/", core_views.attachment_download, name="attachment_download"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("ponte.accounts.urls")),
    path("organisations/", include("ponte.organisations.urls")),
    # Matchmaking reads challenges and solutions; its pages sit beside the challenges' ones.
    path("challenges/", include("ponte.matchmaking.urls")),
    path("challenges/", include("ponte.challenges.urls")),
    path("solutions/", include("ponte.solutions.urls")),
    path("lab/", include("ponte.lab.urls")),
    path("cases/", include("ponte.lab.case_urls")),
    path("exchange/", include("ponte.exchange.urls")),
    path("sandbox/", include("ponte.sandbox.urls")),
    path("learning/", include("ponte.learning.urls")),
    path("recognition/", include("ponte.recognition.urls")),
    path("insights/", include("ponte.insights.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "ponte.core.views.bad_request"
handler403 = "ponte.core.views.permission_denied"
handler404 = "ponte.core.views.page_not_found"
handler500 = "ponte.core.views.server_error"
