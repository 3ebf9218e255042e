from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "ponte.sandbox"
    label = "sandbox"
    verbose_name = _("Sandbox")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  (registers with the core registry)
