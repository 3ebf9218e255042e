from django.urls import path

from .views import applications, calls

app_name = "sandbox"

urlpatterns = [
    path("", calls.sandbox_home, name="home"),
    path("calls/new/", calls.call_open, name="call_open"),
    path("calls/<int:pk>/", calls.call_detail, name="call"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:pk>/close/", calls.call_close, name="call_close"),
    path("calls/<int:pk>/apply/", applications.application_start, name="apply"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/rules/new/", applications.rule_add, name="rule_add"),
    path("applications/<int:pk>/rules/<int:rule_pk>/", applications.rule_edit, name="rule_edit"),
    path("applications/<int:pk>/rules/<int:rule_pk>/remove/", applications.rule_remove, name="rule_remove"),
    path("applications/<int:pk>/send/", applications.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path("public-bodies/", applications.public_body_suggestions, name="public_bodies"),
]
