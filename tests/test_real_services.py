"""`make test` runs on the real PostgreSQL and Elasticsearch: fail, never skip."""

from django.db import connection

from search.client import get_client


def test_the_test_database_is_postgresql_15(db):
    assert connection.vendor == "postgresql"
    assert connection.pg_version // 10000 == 15


def test_elasticsearch_answers_with_version_8_19():
    client = get_client()
    assert client is not None, "set ELASTICSEARCH_URL (source .services.env)"
    nodes = client.nodes.info(node_id="_local", metric="_none")["nodes"]
    assert next(iter(nodes.values()))["version"].startswith("8.19.")
