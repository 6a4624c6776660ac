from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Models that exist only in the test database, to exercise abstract models."""

    name = "tests.testapp"
    label = "testapp"
