from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "ponte.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
