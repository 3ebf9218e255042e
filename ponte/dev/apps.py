from django.apps import AppConfig


class DevConfig(AppConfig):
    """The demo world and the scale generator (commands seed_demo, demo_codes, generate): the
    top layer, which may use every module and which nothing imports. It has no models and no
    pages, so its name is never shown to anyone and is not translated."""

    name = "ponte.dev"
    label = "dev"
    verbose_name = "Demo and synthetic data"
