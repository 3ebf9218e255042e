from django.urls import path

from . import award_views, drafting, evaluation_views, proposal_views, question_views, views

app_name = "challenges"

urlpatterns = [
    # Public marketplace (views.py)
    path("", views.challenge_list, name="list"),
    path("feed/", views.ChallengeFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("awards.csv", views.export_awards_csv, name="export_awards_csv"),
    path("alerts/", views.alerts, name="alerts"),
    path("<int:pk>-<slug:slug>/", views.challenge_detail, name="detail"),
    path("<int:pk>/interest/", views.interest, name="interest"),
    # Clarification questions (question_views.py)
    path("questions/waiting/", question_views.questions_waiting, name="questions_waiting"),
    path("<int:pk>/questions/ask/", question_views.question_ask, name="question_ask"),
    path("<int:pk>/questions/<int:question_pk>/answer/", question_views.question_answer, name="question_answer"),
    path("<int:pk>/questions/<int:question_pk>/decline/", question_views.question_decline, name="question_decline"),
    # Drafting and review (drafting.py)
    path("mine/", drafting.my_challenges, name="mine"),
    path("review/", drafting.review_queue, name="review_queue"),
    path("new/", drafting.challenge_create, name="create"),
    path("<int:pk>/edit/<str:step>/", drafting.challenge_edit, name="edit"),
    path("<int:pk>/check/", drafting.challenge_check, name="check"),
    path("<int:pk>/parts/", drafting.challenge_parts, name="parts"),
    # Decisions on a challenge (drafting.py): one address per action, one view for all
    path("<int:pk>/submit/", drafting.challenge_action, {"verb": "submit"}, name="submit"),
    path(
        "<int:pk>/approve-for-organisation/",
        drafting.challenge_action,
        {"verb": "approve_for_organisation"},
        name="approve_for_organisation",
    ),
    path("<int:pk>/return/", drafting.challenge_action, {"verb": "return_to_author"}, name="return_to_author"),
    path("<int:pk>/approve/", drafting.challenge_action, {"verb": "approve"}, name="approve"),
    path("<int:pk>/publish/", drafting.challenge_action, {"verb": "publish"}, name="publish"),
    path("<int:pk>/cancel/", drafting.challenge_action, {"verb": "cancel"}, name="cancel"),
    # Proposals (proposal_views.py)
    path("<int:pk>/proposals/", proposal_views.proposal_list, name="proposal_list"),
    path("<int:pk>/proposals/new/", proposal_views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", proposal_views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/withdraw/", proposal_views.proposal_withdraw, name="proposal_withdraw"),
    # Evaluation (evaluation_views.py)
    path("evaluations/", evaluation_views.my_evaluations, name="my_evaluations"),
    path("evaluations/<int:pk>/", evaluation_views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/reopen/", evaluation_views.evaluation_reopen, name="evaluation_reopen"),
    path("evaluations/<int:pk>/unassign/", evaluation_views.evaluation_unassign, name="evaluation_unassign"),
    path("<int:pk>/evaluation/", evaluation_views.evaluation_board, name="evaluations"),
    # Outcome (award_views.py)
    path("<int:pk>/award/", award_views.challenge_award, name="award"),
    path("<int:pk>/close-without-award/", award_views.challenge_close_without_award, name="close_without_award"),
    path("awards/<int:pk>/contract/", award_views.contract_record, name="contract"),
    # Phases (drafting.py)
    path("<int:pk>/next-phase/", drafting.challenge_next_phase, name="next_phase"),
]
