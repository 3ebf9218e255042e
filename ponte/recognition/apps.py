from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "ponte.recognition"
    label = "recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
