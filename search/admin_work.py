"""Search's work on the admin home: what partners searched for this week and did
not find, the terms most searched first (never who searched)."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem

from .models import SearchQuery

WEEK = dt.timedelta(days=7)


def searches_found_nothing(request) -> WorkCard | None:
    if not request.user.has_perm("search.view_searchquery"):
        return None
    since = timezone.localtime() - WEEK
    terms = (
        SearchQuery.objects.filter(results=0, searched_at__gte=since)
        .values("text")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "text")
    )
    url = (
        reverse("search_terms_report")
        + "?"
        + urlencode(
            {"found_nothing": "true", "searched_at_after": since.date().isoformat()}
        )
    )
    return WorkCard(
        title=_("Searches that found nothing"),
        icon="search",
        count=terms.count(),
        url=url,
        empty=_("Every search this week found something."),
        items=[
            WorkItem(
                label=term["text"],
                url=url,
                detail=ngettext(
                    "%(count)d search", "%(count)d searches", term["searches"]
                )
                % {"count": term["searches"]},
            )
            for term in terms[:FIRST_FEW]
        ],
    )
