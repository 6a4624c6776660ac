from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Models that exist only in the test database, to exercise abstract models."""

    name = "tests.testapp"
    label = "testapp"

    def ready(self):
        from search.registry import IndexableKind, register_kind

        from .models import GatedItem

        register_kind(
            IndexableKind(
                name="gated-item",
                model=GatedItem,
                indexable=lambda: GatedItem.objects.all(),
                to_document=lambda item: {
                    "title": item.title,
                    "body": item.title,
                    "access_level": item.access_level,
                    "min_tier_id": item.min_tier_id,
                },
            )
        )
