from django.urls import path

from .views import problems

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
]
