from django.urls import path

from .views import cases, experiments, problems, projects

app_name = "lab"

urlpatterns = [
    path("", problems.lab_home, name="home"),
    path("problems/", problems.problem_list, name="problems"),
    path("problems/new/", problems.problem_create, name="problem_create"),
    path("problems/triage/", problems.triage, name="triage"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem"),
    path("problems/<int:pk>/accept/", problems.problem_accept, name="problem_accept"),
    path("problems/<int:pk>/decline/", problems.problem_decline, name="problem_decline"),
    path("problems/<int:pk>/merge/", problems.problem_merge, name="problem_merge"),
    path("problems/<int:pk>/merge/candidates/", problems.merge_candidates, name="merge_candidates"),
    path("problems/<int:pk>/send-to-marketplace/", problems.problem_send_to_marketplace, name="problem_send"),
    path("problems/<int:pk>/start-project/", projects.project_start, name="project_start"),
    path("problems/<int:pk>/team-members/", projects.team_named, name="team_named"),
    path("sponsors/", projects.sponsors_named, name="sponsors_named"),
    path("projects/", projects.portfolio, name="portfolio"),
    path("projects/export.csv", projects.portfolio_csv, name="portfolio_csv"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/sponsorship/", projects.sponsorship_answer, name="sponsorship"),
    path("projects/<int:pk>/sponsor/", projects.sponsor_again, name="sponsor_again"),
    path("projects/<int:pk>/gate/", projects.gate_request, name="gate_request"),
    path("projects/<int:pk>/decision/", projects.gate_decide, name="gate_decide"),
    path("projects/<int:pk>/experiments/new/", experiments.experiment_create, name="experiment_create"),
    path("projects/<int:pk>/case/", cases.case_start, name="case_start"),
    path("cases/review/", cases.review_queue, name="cases_to_review"),
    path("experiments/<int:pk>/", experiments.experiment_detail, name="experiment"),
    path("experiments/<int:pk>/edit/", experiments.experiment_edit, name="experiment_edit"),
    path("experiments/<int:pk>/start/", experiments.experiment_start, name="experiment_start"),
    path("experiments/<int:pk>/results/", experiments.experiment_results, name="experiment_results"),
    path("experiments/<int:pk>/results-template.csv", experiments.results_template, name="results_template"),
    path("experiments/<int:pk>/conclusion/", experiments.experiment_conclude, name="experiment_conclude"),
]
