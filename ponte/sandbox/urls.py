from django.urls import path

from ponte.core.pagecache import public_page

from .views import applications, calls, dialogue, exemptions, register, sponsorship

app_name = "sandbox"

urlpatterns = [
    path("", calls.sandbox_home, name="home"),
    path("register/", register.register, name="register"),
    path("register/<int:pk>/", register.exemption_detail, name="exemption"),
    path("register/<int:pk>/sponsorship/", sponsorship.sponsorship_answer, name="sponsorship"),
    path("register/feed/", public_page(register.RegisterFeed()), name="register_feed"),
    path("register.csv", register.register_csv, name="register_csv"),
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
    path("applications/<int:pk>/messages/new/", dialogue.message_write, name="message_write"),
    path("applications/<int:pk>/ask-changes/", dialogue.changes_ask, name="ask_changes"),
    path("applications/<int:pk>/invite-final/", dialogue.final_invite, name="invite_final"),
    path("applications/<int:pk>/reject/", dialogue.application_reject, name="reject"),
    path("applications/<int:pk>/approve/", dialogue.application_approve, name="approve"),
    path("applications/<int:pk>/report/", exemptions.report_send, name="report"),
    path("applications/<int:pk>/revoke/", exemptions.exemption_revoke, name="revoke"),
    path("applications/<int:pk>/sponsor/", sponsorship.ask_another_sponsor, name="ask_sponsor"),
    path("applications/<int:pk>/evaluate/", exemptions.evaluation_write, name="evaluate"),
    path("applications/<int:pk>/outcome/", exemptions.outcome_record, name="outcome"),
    path("reports/", exemptions.reports_due, name="reports_due"),
    path("public-bodies/", applications.public_body_suggestions, name="public_bodies"),
    path("lab-projects/", applications.lab_project_suggestions, name="lab_projects"),
    path("sponsors/", dialogue.sponsors, name="sponsors"),
]
