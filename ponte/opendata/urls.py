from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("ocds/releases.json", views.releases, name="ocds_releases"),
    path("ocds/records.json", views.records, name="ocds_records"),
    path("ocds/records/<str:ocid>.json", views.record, name="ocds_record"),
]
