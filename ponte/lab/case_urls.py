from django.urls import path

from .views import cases

app_name = "cases"

urlpatterns = [
    path("", cases.library, name="library"),
    path("export.csv", cases.library_csv, name="library_csv"),
    path("<int:pk>/", cases.case_detail, name="case"),
    path("<int:pk>/edit/", cases.case_edit, name="edit"),
    path("<int:pk>/submit/", cases.case_submit, name="submit"),
    path("<int:pk>/review/", cases.case_review, name="review"),
]
