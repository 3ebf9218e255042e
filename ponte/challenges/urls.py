from django.urls import path

from ponte.core.pagecache import public_page

from .views import award as award_views
from .views import drafting as drafting_views
from .views import evaluation as evaluation_views
from .views import following as following_views
from .views import phases as phases_views
from .views import proposals as proposals_views
from .views import public as public_views
from .views import questions as questions_views
from .views import review as review_views
from .views import sponsorship as sponsorship_views

app_name = "challenges"

urlpatterns = [
    # Public marketplace and following
    path("", public_views.challenge_list, name="list"),
    path("feed/", public_page(public_views.ChallengeFeed()), name="feed"),
    path("export.csv", public_views.export_csv, name="export_csv"),
    path("awards.csv", public_views.export_awards_csv, name="export_awards_csv"),
    path("alerts/", following_views.alerts, name="alerts"),
    path("public-bodies/", public_views.public_bodies, name="public_bodies"),
    path("<int:pk>-<slug:slug>/", public_views.challenge_detail, name="detail"),
    path("<int:pk>/interest/", following_views.interest, name="interest"),
    # Clarification questions
    path("questions/waiting/", questions_views.questions_waiting, name="questions_waiting"),
    path("<int:pk>/questions/ask/", questions_views.question_ask, name="question_ask"),
    path("<int:pk>/questions/<int:question_pk>/answer/", questions_views.question_answer, name="question_answer"),
    path("<int:pk>/questions/<int:question_pk>/decline/", questions_views.question_decline, name="question_decline"),
    # Drafting and the review queue
    path("mine/", drafting_views.my_challenges, name="mine"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("new/", drafting_views.challenge_create, name="create"),
    path("<int:pk>/edit/<str:step>/", drafting_views.challenge_edit, name="edit"),
    path("<int:pk>/check/", drafting_views.challenge_check, name="check"),
    path("<int:pk>/parts/", drafting_views.challenge_parts, name="parts"),
    # Decisions on a challenge: one address per action, one view for all
    path("<int:pk>/submit/", review_views.challenge_action, {"verb": "submit"}, name="submit"),
    path(
        "<int:pk>/approve-for-organisation/",
        review_views.challenge_action,
        {"verb": "approve_for_organisation"},
        name="approve_for_organisation",
    ),
    path("<int:pk>/return/", review_views.challenge_action, {"verb": "return_to_author"}, name="return_to_author"),
    path("<int:pk>/approve/", review_views.challenge_action, {"verb": "approve"}, name="approve"),
    path("<int:pk>/publish/", review_views.challenge_action, {"verb": "publish"}, name="publish"),
    path("<int:pk>/cancel/", review_views.challenge_action, {"verb": "cancel"}, name="cancel"),
    # Proposals
    path("<int:pk>/proposals/", proposals_views.proposal_list, name="proposal_list"),
    path("<int:pk>/proposals/new/", proposals_views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/", proposals_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", proposals_views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/withdraw/", proposals_views.proposal_withdraw, name="proposal_withdraw"),
    # Evaluation
    path("evaluations/", evaluation_views.my_evaluations, name="my_evaluations"),
    path("evaluations/<int:pk>/", evaluation_views.evaluation_detail, name="evaluation"),
    path("evaluators/", evaluation_views.evaluators_named, name="evaluators_named"),
    path("evaluations/<int:pk>/reopen/", evaluation_views.evaluation_reopen, name="evaluation_reopen"),
    path("evaluations/<int:pk>/unassign/", evaluation_views.evaluation_unassign, name="evaluation_unassign"),
    path("<int:pk>/evaluation/", evaluation_views.evaluation_board, name="evaluations"),
    # Outcome
    path("<int:pk>/award/", award_views.challenge_award, name="award"),
    path("<int:pk>/close-without-award/", award_views.challenge_close_without_award, name="close_without_award"),
    path("awards/<int:pk>/contract/", award_views.contract_record, name="contract"),
    # Sponsorship
    path("<int:pk>/sponsor/", sponsorship_views.ask_sponsor, name="ask_sponsor"),
    path("<int:pk>/sponsor/suggestions/", sponsorship_views.sponsors_named, name="sponsors_named"),
    path("<int:pk>/sponsorship/", sponsorship_views.sponsorship_answer, name="sponsorship"),
    # Phases
    path("<int:pk>/next-phase/", phases_views.challenge_next_phase, name="next_phase"),
]
