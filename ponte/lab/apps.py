from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabConfig(AppConfig):
    name = "ponte.lab"
    label = "lab"
    verbose_name = _("Lab")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
