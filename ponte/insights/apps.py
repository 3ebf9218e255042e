from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "ponte.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
