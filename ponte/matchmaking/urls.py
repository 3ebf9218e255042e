from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("recommended/", views.recommended_challenges, name="recommended"),
    path("<int:pk>/matches/", views.challenge_matches, name="challenge"),
]
