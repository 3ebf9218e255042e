from django.urls import path

from . import drafting, proposal_views, question_views, views

app_name = "challenges"

urlpatterns = [
    # Public marketplace (views.py)
    path("", views.challenge_list, name="list"),
    path("feed/", views.ChallengeFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("alerts/", views.alerts, name="alerts"),
    path("<int:pk>-<slug:slug>/", views.challenge_detail, name="detail"),
    path("<int:pk>/interest/", views.interest, name="interest"),
    # Clarification questions (question_views.py)
    path("<int:pk>/questions/ask/", question_views.question_ask, name="question_ask"),
    path("<int:pk>/questions/<int:question_pk>/answer/", question_views.question_answer, name="question_answer"),
    path("<int:pk>/questions/<int:question_pk>/decline/", question_views.question_decline, name="question_decline"),
    # Drafting and review (drafting.py)
    path("mine/", drafting.my_challenges, name="mine"),
    path("review/", drafting.review_queue, name="review_queue"),
    path("new/", drafting.challenge_create, name="create"),
    path("<int:pk>/edit/<str:step>/", drafting.challenge_edit, name="edit"),
    path("<int:pk>/check/", drafting.challenge_check, name="check"),
    # Proposals (proposal_views.py), before the catch-all action pattern below
    path("<int:pk>/proposals/", proposal_views.proposal_list, name="proposal_list"),
    path("<int:pk>/proposals/new/", proposal_views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", proposal_views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/withdraw/", proposal_views.proposal_withdraw, name="proposal_withdraw"),
    path("<int:pk>/<str:verb>/", drafting.challenge_action, name="action"),
]
