from django.urls import path

from . import exports, views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("export.csv", exports.organisations_csv, name="export_csv"),
    path("verification/", views.verification_queue, name="verification"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/members/", views.organisation_members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("<slug:slug>/members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/join/", views.join_request_create, name="join"),
    path("<slug:slug>/join/<int:pk>/withdraw/", views.join_request_withdraw, name="join_withdraw"),
    path("<slug:slug>/join/<int:pk>/decide/", views.join_request_decide, name="join_decide"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/documents/", views.document_upload, name="document_upload"),
    # Decisions on an organisation: one address per action, one view for all
    path("<slug:slug>/verify/", views.decide, {"verb": "verify"}, name="verify"),
    path("<slug:slug>/suspend/", views.decide, {"verb": "suspend"}, name="suspend"),
    path("<slug:slug>/reinstate/", views.decide, {"verb": "reinstate"}, name="reinstate"),
]
