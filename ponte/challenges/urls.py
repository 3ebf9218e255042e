from django.urls import path

from . import drafting, views

app_name = "challenges"

urlpatterns = [
    # Public marketplace (views.py)
    path("", views.challenge_list, name="list"),
    path("feed/", views.ChallengeFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("alerts/", views.alerts, name="alerts"),
    path("<int:pk>-<slug:slug>/", views.challenge_detail, name="detail"),
    path("<int:pk>/interest/", views.interest, name="interest"),
    # Drafting and review (drafting.py)
    path("mine/", drafting.my_challenges, name="mine"),
    path("review/", drafting.review_queue, name="review_queue"),
    path("new/", drafting.challenge_create, name="create"),
    path("<int:pk>/edit/<str:step>/", drafting.challenge_edit, name="edit"),
    path("<int:pk>/check/", drafting.challenge_check, name="check"),
    path("<int:pk>/<str:verb>/", drafting.challenge_action, name="action"),
]
