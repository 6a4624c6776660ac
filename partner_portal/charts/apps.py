from django.apps import AppConfig


class ChartsConfig(AppConfig):
    """Installed for its `charts_tags` template library only; no models."""

    name = "partner_portal.charts"
    label = "charts"
