from django.urls import path

from .views import applications, rounds

app_name = "exchange"

urlpatterns = [
    path("", rounds.exchange_home, name="home"),
    path("rounds/new/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/cancel/", rounds.round_cancel, name="round_cancel"),
    path("rounds/<int:pk>/apply/", applications.application_create, name="apply"),
    path("rounds/<int:pk>/hosting/", applications.hosting, name="hosting"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/approve/", applications.application_approve, name="application_approve"),
    path("applications/<int:pk>/decline/", applications.application_decline, name="application_decline"),
]
