from django.urls import path

from .views import catalogue, certificates, enrolments, sessions, skills

app_name = "learning"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("catalogue.csv", catalogue.catalogue_csv, name="catalogue_csv"),
    path("courses/new/", catalogue.course_add, name="course_add"),
    path("courses/<int:pk>/", catalogue.course_detail, name="course"),
    path("courses/<int:pk>/edit/", catalogue.course_edit, name="course_edit"),
    path("courses/<int:pk>/withdraw/", catalogue.course_withdraw, name="course_withdraw"),
    path("courses/<int:pk>/sessions/new/", sessions.session_schedule, name="session_schedule"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/attendance/", sessions.attendance, name="attendance"),
    path("sessions/<int:pk>/calendar.ics", sessions.session_calendar, name="session_calendar"),
    path("sessions/<int:pk>/enrol/", enrolments.enrol, name="enrol"),
    path("enrolments/<int:pk>/cancel/", enrolments.enrolment_cancel, name="enrolment_cancel"),
    path("enrolments/<int:pk>/approve/", enrolments.enrolment_approve, name="enrolment_approve"),
    path("enrolments/<int:pk>/refuse/", enrolments.enrolment_refuse, name="enrolment_refuse"),
    path("mine/", enrolments.mine, name="mine"),
    path("mine/calendar.ics", sessions.my_calendar, name="my_calendar"),
    path("approvals/", enrolments.approvals, name="approvals"),
    path("people/", sessions.people, name="people"),
    path("certificates/<int:pk>/", certificates.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/certificate.pdf", certificates.certificate_download, name="certificate_pdf"),
    path("certificates/<int:pk>/badge/", certificates.badge_consent, name="badge_consent"),
    path("verify/", certificates.verify, name="verify"),
    path("skills/", skills.profile, name="skills"),
    path("skills/assess/", skills.assess, name="assess"),
    path("skills/groups/", skills.groups, name="skill_groups"),
    path("skills/groups.csv", skills.groups_csv, name="skill_groups_csv"),
    path("skills/organisations/", skills.organisation_suggestions, name="skill_organisations"),
    path("badges/issuer.json", certificates.badge_issuer, name="badge_issuer"),
    path("badges/courses/<int:pk>.json", certificates.badge_class, name="badge_class"),
    path("badges/courses/<int:pk>.svg", certificates.badge_image, name="badge_image"),
    path("badges/assertions/<str:code>.json", certificates.badge_assertion, name="badge_assertion"),
]
