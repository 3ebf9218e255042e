from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ponte.api"
    label = "api"
    verbose_name = "API"
