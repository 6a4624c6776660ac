"""`make test` runs on the real PostgreSQL and Elasticsearch: fail, never skip."""

from django.db import connection

from search.client import cluster_version, get_client


def test_the_test_database_is_postgresql_15(db):
    assert connection.vendor == "postgresql"
    assert connection.pg_version // 10000 == 15


def test_elasticsearch_answers_with_version_8_19():
    assert get_client() is not None, "set ELASTICSEARCH_URL (source .services.env)"
    assert cluster_version().startswith("8.19.")
