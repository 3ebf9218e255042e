from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "ponte.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
