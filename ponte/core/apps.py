from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ponte.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import contributions, search, signals  # noqa: F401  (registers and connects)
        from .pagecache import forget_everything

        post_migrate.connect(forget_everything, sender=self, dispatch_uid="ponte.core.pagecache.forget_everything")
