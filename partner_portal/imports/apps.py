from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """The import framework: no models, only its admin stylesheet's hook
    (wagtail_hooks.py), which Wagtail finds in installed apps."""

    name = "partner_portal.imports"
    label = "imports"
