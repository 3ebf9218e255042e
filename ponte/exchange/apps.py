from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "ponte.exchange"
    label = "exchange"
    verbose_name = _("Exchange")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
