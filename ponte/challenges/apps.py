from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "ponte.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
