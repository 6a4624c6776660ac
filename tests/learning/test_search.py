"""Lessons in search: found with their course's products and access, cheaply."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from partner_portal.partners.access import audience_for
from search.query import search
from tests.factories import StaffFactory


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
