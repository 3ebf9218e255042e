from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.state_of_innovation, name="state"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/figures/<str:key>/", views.figure_rows, name="figure_rows"),
    path("sponsored/", views.sponsored, name="sponsored"),
    path("sponsored/<str:key>/<str:part>/", views.sponsored_list, name="sponsored_list"),
    path("figures.csv", views.figures_csv, name="figures_csv"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("organisations/", views.organisation_suggestions, name="organisations"),
]
