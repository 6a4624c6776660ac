"""GET /api/v1/partners/?page_size=100 with a token, next to a bare Django view.

Not a test: it prints figures measured in one run, as a ratio. Run it against the
PostgreSQL of `make services`:

    source .services.env && .venv/bin/python bench/api.py [--partners 10000]

It creates a scratch test database (dropped at the end), loads 10,000 partners, then
alternates requests, through the same middleware and in the same process (Django's
test client, no network), to:

- the API: token authentication, scoping, filters, cursor pagination, serializers;
- a bare view: the same 100 rows with `.values()` as JSON, nothing else.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

FIELDS = (
    "id",
    "external_id",
    "name",
    "legal_name",
    "tier__code",
    "tier__name",
    "tier__rank",
    "stage",
    "region",
    "country",
    "partner_type",
    "account_manager_id",
    "joined_on",
    "website",
    "phone",
    "address",
    "email_domain",
    "created_at",
    "updated_at",
)


def bare_partners(request):
    from django.http import JsonResponse

    from partner_portal.partners.models import Partner

    rows = list(Partner.objects.order_by("id").values(*FIELDS)[:100])
    return JsonResponse({"results": rows})


def urlpatterns_():
    from django.urls import include, path

    return [path("bare/", bare_partners), path("", include("config.urls"))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = "bench_api"
    settings.ROOT_URLCONF = __name__
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000000/s", "address": "1000000/s"},
    }
    django.setup()
    global urlpatterns
    urlpatterns = urlpatterns_()

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, Client)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args, client_class):
    from django.contrib.auth.models import Permission

    from partner_portal.api.services import api_token_create
    from partner_portal.partners.models import Partner, Tier, User

    tiers = list(Tier.objects.all())
    manager = User.objects.create(username="bench-manager", is_staff=True)
    Partner.objects.bulk_create(
        Partner(
            external_id=f"BENCH-{n:06d}",
            name=f"Bench partner {n}",
            legal_name=f"Bench partner {n} Ltd",
            country="DE",
            region="emea",
            partner_type="reseller",
            tier=tiers[n % len(tiers)],
            stage="active",
            account_manager=manager,
        )
        for n in range(args.partners)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.create(username="bench-staff", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="partners", codename="view_partner"
        )
    )
    _token, key = api_token_create(user=user, name="bench")
    api = client_class(HTTP_AUTHORIZATION=f"Token {key}")
    bare = client_class()

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    api_rows = get(api, "/api/v1/partners/?page_size=100").json()["results"]
    bare_rows = get(bare, "/bare/").json()["results"]
    assert [r["id"] for r in api_rows] == [r["id"] for r in bare_rows]
    for _warm in range(20):
        get(api, "/api/v1/partners/?page_size=100")
        get(bare, "/bare/")

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        with cProfile.Profile() as profile:
            for _n in range(50):
                get(api, "/api/v1/partners/?page_size=100")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
        return

    spent = {"api": 0.0, "bare": 0.0}
    for _round in range(args.requests):
        for name, client, url in (
            ("api", api, "/api/v1/partners/?page_size=100"),
            ("bare", bare, "/bare/"),
        ):
            started = time.perf_counter()
            get(client, url)
            spent[name] += time.perf_counter() - started
    api_rate = args.requests / spent["api"]
    bare_rate = args.requests / spent["bare"]
    print(f"partners: {args.partners}, requests each: {args.requests}, 100 rows a page")
    print(f"API (token, cursor page): {api_rate:8.1f} requests/s")
    print(f"bare view (.values JSON): {bare_rate:8.1f} requests/s")
    print(f"ratio API / bare: {api_rate / bare_rate:.2f} (target at least 0.5)")


urlpatterns = []

if __name__ == "__main__":
    main()
