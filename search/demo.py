"""The search part of the demo data set: searches the demo partner users made over
the last months, some of which found nothing, so the search terms report and the
dashboard's content section have queries to show.

Recorded as `services.search_query_record` records them (the text normalised),
dated back; idempotent: a user's demo searches are added once.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from partner_portal.partners.models import User

from .models import SearchQuery, SearchSource
from .services import normalise

# (username, what they typed, results it found, days ago)
SEARCHES = [
    ("gold.user", "Edge Gateway price list", 2, 3),
    ("gold.user", "零信任 价格", 0, 6),
    ("zhang.min", "零信任 价格", 0, 21),
    ("silver.user", "zero trust pitch deck", 1, 9),
    ("silver.user", "SD-WAN datasheet", 0, 14),
    ("kim.contoso", "sd-wan  datasheet", 0, 40),
    ("platinum.user", "firewall comparison", 0, 2),
    ("max.fabrikam", "Firewall comparison", 0, 55),
    ("registered.user", "cloud backup", 3, 5),
    ("registered.user", "MDF claim template", 0, 30),
    ("mia.proseware", "mdf claim template", 0, 75),
    ("tan.woodgrove", "deployment guide", 1, 1),
    ("dan.coho", "partner playbook", 1, 12),
    ("dan.coho", "competitive battlecard", 0, 18),
    ("eva.alpine", "云备份 案例", 1, 100),
]


@transaction.atomic
def seed_searches(*, stdout):
    users = User.objects.in_bulk(
        {username for username, *_rest in SEARCHES}, field_name="username"
    )
    searched = set(
        SearchQuery.objects.filter(user__in=users.values()).values_list(
            "user__username", flat=True
        )
    )
    now = timezone.now()
    queries = [
        SearchQuery(
            text=normalise(text),
            results=results,
            source=SearchSource.PORTAL,
            user=users[username],
            searched_at=now - dt.timedelta(days=days, hours=2),
        )
        for username, text, results, days in SEARCHES
        if username in users and username not in searched
    ]
    SearchQuery.objects.bulk_create(queries)
    if queries:
        stdout.write(f"Search: {len(queries)} demo searches recorded.")
