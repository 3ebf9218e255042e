from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "ponte.solutions"
    label = "solutions"
    verbose_name = _("Solutions")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
