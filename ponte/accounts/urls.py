from django.urls import path

from . import views

urlpatterns = [
    path("", views.account, name="account"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("my-data/", views.data_export, name="data_export"),
    path("erase/", views.erase_account, name="erase_account"),
]
