"""Lessons in search: found with their course's products and access, cheaply, and
re-indexed when their course changes."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from learning.models import CourseIndexPage
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import AccessLevel, Product
from search.client import get_client
from search.index import alias_name, drain
from search.query import search
from tests.factories import StaffFactory, tier


def fallback_queries(audience, query):
    with CaptureQueriesContext(connection) as queries:
        result = search(audience=audience, query=query)
    assert result.degraded
    return result, len(queries)


def test_the_database_fallback_reads_lessons_in_a_fixed_number_of_queries(
    make_course, settings
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    staff = audience_for(StaffFactory())
    make_course("net-101", lessons=["Quokka one", "Quokka two"])
    fallback_queries(staff, "quokka")  # Wagtail caches the site's root paths
    few, few_queries = fallback_queries(staff, "quokka")
    make_course("net-201", lessons=[f"Quokka {n}" for n in "ab"])
    make_course("net-301", lessons=[f"Quokka {n}" for n in "cde"])

    many, many_queries = fallback_queries(staff, "quokka")

    assert (few.total, many.total) == (2, 7)
    assert many_queries == few_queries
    assert {hit["url"].split("/")[-2] for hit in many.hits} >= {"net-301-lesson-3"}


@pytest.fixture
def prefix(settings):
    """An index of the test's own, removed afterwards."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    yield
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def found(user, query):
    return {
        hit["title"] for hit in search(audience=audience_for(user), query=query).hits
    }


def indexed_lesson_urls(course):
    client = get_client()
    client.indices.refresh(index=alias_name())
    hits = client.search(
        index=alias_name(), query={"term": {"kind": "lesson"}}, size=100
    )["hits"]["hits"]
    lesson_ids = {str(pk) for pk in course.lessons().values_list("pk", flat=True)}
    return {
        hit["_source"]["url"]
        for hit in hits
        if hit["_source"]["object_id"] in lesson_ids
    }


def test_tightening_a_course_hides_its_lessons_in_search(
    prefix, make_course, partner_user_at
):
    course = make_course("net-101", lessons=["Numbat routing"])
    drain()
    registered, gold = partner_user_at("registered"), partner_user_at("gold")
    assert "Numbat routing" in found(registered, "numbat")

    course.access_level, course.min_tier = AccessLevel.TIER, tier("gold")
    course.save_revision().publish()
    drain()

    assert not found(registered, "numbat")
    assert "Numbat routing" in found(gold, "numbat")


def test_renaming_a_course_moves_its_lessons_in_search(prefix, make_course):
    course = make_course("net-101", lessons=["Numbat routing"])
    drain()
    assert indexed_lesson_urls(course) == {lesson.url for lesson in course.lessons()}

    course.slug = "net-101-renamed"
    course.save_revision().publish()
    drain()

    [url] = indexed_lesson_urls(course)
    assert "/net-101-renamed/" in url
    assert url == course.lessons().get().url


def test_moving_a_course_moves_its_lessons_in_search(prefix, make_course, course_index):
    course = make_course("net-101", lessons=["Numbat routing"])
    drain()
    other = CourseIndexPage(title="Other academy", slug="other-academy")
    course_index.get_parent().add_child(instance=other)

    course.move(other, pos="last-child")
    drain()

    [url] = indexed_lesson_urls(course)
    assert url.startswith("/other-academy/net-101/")


def indexed_products(kind):
    client = get_client()
    client.indices.refresh(index=alias_name())
    hits = client.search(index=alias_name(), query={"term": {"kind": kind}})
    return [hit["_source"].get("products") for hit in hits["hits"]["hits"]]


def test_renaming_a_product_renames_it_in_its_courses_and_lessons(prefix, make_course):
    product = Product.objects.create(name="Falcon Router")
    make_course("net-101", lessons=["Numbat one", "Numbat two"], product=product)
    drain()
    assert indexed_products("lesson") == [["Falcon Router"]] * 2

    product.name = "Osprey Router"
    product.save()
    drain()

    assert indexed_products("course") == [["Osprey Router"]]
    assert indexed_products("lesson") == [["Osprey Router"]] * 2


def test_a_course_slug_changed_by_a_save_moves_its_lessons_in_search(
    prefix, make_course, django_capture_on_commit_callbacks
):
    """As an import or a script would: saved, no revision published. What runs when
    the change commits (Wagtail's slug signal, then the drain) runs here too."""
    course = make_course("net-101", lessons=["Numbat routing"])
    drain()

    with django_capture_on_commit_callbacks(execute=True):
        course.slug = "net-101-moved"
        course.save()

    [url] = indexed_lesson_urls(course)
    assert "/net-101-moved/" in url
