from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, for what belongs to no app: its system checks."""

    name = "config"
    verbose_name = "CPLMS"

    def ready(self):
        from . import checks  # noqa: F401 (registers them)
