"""GET /api/v1/search/ with a token, next to the same Elasticsearch query sent directly.

Not a test: it prints figures measured in one run, as a ratio. Run it against the
PostgreSQL and Elasticsearch of `make services`:

    source .services.env && .venv/bin/python bench/search.py [--documents 50000]

It creates a scratch test database (dropped at the end) with a partner user per tier
and a staff user, bulk-loads synthetic documents across every kind and access level
straight into an index under the `cplms-bench-` prefix (built from the same
ContentDocument mapping, no outbox; deleted at the end), then alternates, per
user and query:

- the API, through Django's test client in this process: token authentication, the
  caller's audience, the query service, recording the search, serialization;
- the request body the query service builds for that caller, sent with the
  Elasticsearch client, nothing else.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

WORDS = [
    "partner",
    "certification",
    "deployment",
    "gateway",
    "backup",
    "firewall",
    "pricing",
    "rebate",
    "onboarding",
    "campaign",
    "renewal",
    "migration",
    "storage",
    "network",
    "analytics",
    "security",
    "compliance",
    "licensing",
    "discount",
    "training",
    "webinar",
    "playbook",
    "roadmap",
    "integration",
    "cloud",
    "edge",
    "router",
    "switch",
    "渠道",
    "激励",
    "政策",
    "认证",
    "培训",
    "客户",
    "案例",
    "安全",
    "云",
    "备份",
]
KINDS = ("course", "lesson", "asset", "policy", "announcement")
ASSET_TYPES = ("brochure", "datasheet", "presentation", "case_study", "video")
LANGUAGES = ("en", "zh-hans", "de")
PRODUCTS = ("Edge Gateway", "Cloud Backup", "Secure Switch", "Analytics Suite")
QUERIES = (
    "partner certification",
    "deployment guide",
    "pricing rebate",
    "cloud backup",
    "渠道激励",
    "认证培训",
    "security compliance",
    "certfication",
    "MDF 申请",
    "network migration",
)


def load_documents(client, alias, count, tier_ids):
    """Bulk-load `count` synthetic documents into a new index behind `alias`."""
    from elasticsearch import helpers

    from search.documents import content_index, index_action

    name = f"{alias}-1"
    content_index(
        name, number_of_shards=1, number_of_replicas=0, refresh_interval="-1"
    ).create(using=client)
    rng = random.Random(42)
    levels = [("public", None), ("partner", None), ("staff", None)]
    levels += [("tier", tier_id) for tier_id in tier_ids]
    now = datetime.datetime.now(datetime.UTC)

    def actions():
        for n in range(count):
            kind = KINDS[n % len(KINDS)]
            level, tier_id = levels[n % len(levels)]
            yield index_action(
                kind,
                n,
                {
                    "title": " ".join(rng.choices(WORDS, k=4)),
                    "body": " ".join(rng.choices(WORDS, k=60)),
                    "tags": rng.sample(WORDS, 2),
                    "products": [rng.choice(PRODUCTS)],
                    "asset_type": rng.choice(ASSET_TYPES) if kind == "asset" else None,
                    "language": rng.choice(LANGUAGES),
                    "url": f"/bench/{n}/",
                    "published_at": now - datetime.timedelta(days=rng.randint(0, 900)),
                    "access_level": level,
                    "min_tier_id": tier_id,
                },
            )

    helpers.bulk(client, actions(), index=name, chunk_size=2000, refresh=False)
    client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
    client.indices.refresh(index=name)
    client.indices.forcemerge(index=name, max_num_segments=1)
    client.indices.put_alias(index=name, name=alias)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    import django
    from django.conf import settings

    if not os.environ.get("ELASTICSEARCH_URL"):
        sys.exit("Set ELASTICSEARCH_URL (source .services.env).")
    settings.DATABASES["default"]["NAME"] = "bench_search"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-bench-{uuid.uuid4().hex[:8]}"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000000/s", "address": "1000000/s"},
    }
    django.setup()

    from django.db import connection
    from django.test.utils import setup_test_environment

    from search.client import get_client

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        get_client().indices.delete(
            index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
        )


def run(args):
    from django.test import Client

    from partner_portal.api.services import api_token_create
    from partner_portal.partners.access import audience_for
    from partner_portal.partners.models import Partner, PartnerMembership, Tier, User
    from search.client import get_client
    from search.index import alias_name
    from search.query import build_search

    es = get_client()
    tiers = list(Tier.objects.order_by("rank"))
    started = time.perf_counter()
    load_documents(es, alias_name(), args.documents, [tier.pk for tier in tiers])
    print(f"loaded {args.documents} documents in {time.perf_counter() - started:.1f} s")

    callers = []
    for tier in tiers:
        partner = Partner.objects.create(
            external_id=f"BENCH-{tier.code}",
            name=f"Bench {tier.code}",
            country="DE",
            region="emea",
            partner_type="reseller",
            tier=tier,
            stage="active",
        )
        user = User.objects.create(username=f"bench-{tier.code}")
        PartnerMembership.objects.create(user=user, partner=partner, role="sales")
        callers.append(user)
    callers.append(User.objects.create(username="bench-staff", is_staff=True))

    pairs = []
    for user in callers:
        _token, key = api_token_create(user=user, name="bench")
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        audience = audience_for(user)
        for query in QUERIES:
            body = build_search(es, audience, query, 1, 20, {}).to_dict()
            pairs.append((client, query, body))

    def api(client, query):
        response = client.get("/api/v1/search/", {"q": query})
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def direct(body):
        return es.search(index=alias_name(), body=body)

    # The same answer both ways, and warm caches on both sides.
    for client, query, body in pairs:
        assert api(client, query)["count"] == direct(body)["hits"]["total"]["value"]
    for client, query, body in pairs:
        api(client, query)
        direct(body)

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            for client, query, _body in pairs * 3:
                api(client, query)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(50)
        return

    spent = {"api": [], "direct": []}
    for _round in range(args.rounds):
        for client, query, body in pairs:
            started = time.perf_counter()
            api(client, query)
            spent["api"].append(time.perf_counter() - started)
            started = time.perf_counter()
            direct(body)
            spent["direct"].append(time.perf_counter() - started)

    print(
        f"documents: {args.documents}, callers: {len(callers)}, queries: "
        f"{len(QUERIES)}, requests each way: {len(spent['api'])}"
    )
    for name in ("api", "direct"):
        values = spent[name]
        print(
            f"{name:>6}: p50 {statistics.median(values) * 1000:7.2f} ms   "
            f"p95 {percentile(values, 0.95) * 1000:7.2f} ms"
        )
    ratio = percentile(spent["api"], 0.95) / percentile(spent["direct"], 0.95)
    print(f"ratio API p95 / direct p95: {ratio:.2f} (target at most 1.5)")


if __name__ == "__main__":
    main()
