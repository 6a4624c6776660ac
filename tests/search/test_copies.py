"""A change to a related row copied into documents (a product's name, a tag's)
re-queues the documents that copy it, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from taggit.models import Tag

from partner_portal.partners.models import Product
from partner_portal.resources.models import AssetPage
from search.index import drain
from search.models import OutboxEntry
from tests.search.conftest import indexed, library_with_assets


def assets_carrying(product, count):
    library = library_with_assets(count)
    for asset in AssetPage.objects.all():
        asset.products.add(product)
        asset.tags.add("routing")
        asset.save_revision().publish()
    return library


def test_renaming_a_product_renames_it_in_the_assets_that_carry_it(db, prefix):
    product = Product.objects.create(name="Falcon Router")
    assets_carrying(product, 2)
    drain()
    assert [doc["products"] for doc in indexed("asset").values()] == [
        ["Falcon Router"]
    ] * 2

    product.name = "Osprey Router"
    product.save()
    drain()

    assert [doc["products"] for doc in indexed("asset").values()] == [
        ["Osprey Router"]
    ] * 2
    assert not OutboxEntry.objects.exists()


def test_deleting_a_product_removes_it_from_the_assets(db, prefix):
    product = Product.objects.create(name="Falcon Router")
    assets_carrying(product, 1)
    drain()

    product.delete()
    drain()

    [document] = indexed("asset").values()
    assert "products" not in document  # an empty list is left out


def test_renaming_a_tag_renames_it_in_the_assets(db, prefix):
    assets_carrying(Product.objects.create(name="Falcon Router"), 1)
    drain()

    tag = Tag.objects.get(name="routing")
    tag.name = "switching"
    tag.save()
    drain()

    [document] = indexed("asset").values()
    assert document["tags"] == ["switching"]


def test_a_product_queues_its_assets_in_a_fixed_number_of_queries(db):
    counts = []
    for count in (1, 6):
        product = Product.objects.create(name=f"Product for {count}")
        library = assets_carrying(product, count)
        OutboxEntry.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            product.save()
        assert OutboxEntry.objects.filter(kind="asset").count() == count
        counts.append(len(queries))
        library.delete()
    assert counts[0] == counts[1]
