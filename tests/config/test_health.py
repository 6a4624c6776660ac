from django.test import override_settings


def test_all_parts_up_against_the_real_services(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "up"
    assert body["database"] == {"status": "up", "vendor": "postgresql"}
    assert body["search"] == {"status": "up", "mode": "elasticsearch"}
    assert body["tasks"]["status"] == "up"


@override_settings(ELASTICSEARCH_URL="")
def test_without_elasticsearch_search_is_up_in_database_mode(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["search"] == {"status": "up", "mode": "database"}


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", ELASTICSEARCH_TIMEOUT=1.0)
def test_unreachable_elasticsearch_is_named_as_degraded(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["search"]
    assert body["search"]["status"] == "degraded"
    assert body["database"]["status"] == "up"
