"""Content: the downloads of the scope's partners in the period and the assets
downloaded most, from the resources app's selectors; the searches their users made
that found nothing, grouped as the search terms report groups them
(`search.selectors.search_terms`)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.charts import Chart, Series
from partner_portal.partners.ownership import partner_owned
from partner_portal.resources import selectors as resources
from partner_portal.resources.models import AssetLanguage, AssetType, DownloadEvent
from search import selectors as search

from ..scope import Scope
from . import Figure, Section, Table

TOP = 10
SEARCH_PERMISSION = "search.view_searchquery"


def section(scope: Scope) -> Section | None:
    policy = partner_owned.policy_for(DownloadEvent)
    may_see_downloads = scope.user.has_perm(policy.permission("view"))
    may_see_searches = scope.user.has_perm(SEARCH_PERMISSION)
    if not (may_see_downloads or may_see_searches):
        return None
    first, last = scope.period.first, scope.period.last
    figures, charts, tables = [], [], []
    if may_see_downloads:
        downloads = policy.visible_to(
            scope.user, DownloadEvent.objects.filter(partner__in=scope.partners)
        )
        totals = resources.download_totals(downloads, first, last)
        figures += [
            Figure(_("Downloads"), totals["downloads"]),
            Figure(_("Users who downloaded"), totals["users"]),
            Figure(_("Assets downloaded"), totals["assets"]),
        ]
        top = resources.top_assets(downloads, first, last, TOP)
        if top:
            charts.append(_top_chart(top))
            tables.append(_top_table(top))
    if may_see_searches:
        searches = search.searches_of(scope.partners, first, last)
        counts = search.search_counts(searches)
        figures.append(
            Figure(
                _("Searches that found nothing"),
                counts["found_nothing"],
                note=_("Of %(count)s searches by the partners' users.")
                % {"count": counts["searches"]},
            )
        )
        terms = search.search_terms(searches.filter(results=0))
        tables.append(_searches_table(terms[:TOP]))
    return Section(
        "content",
        _("Content"),
        figures=figures,
        charts=charts,
        tables=tables,
        empty=_("No downloads or searches in this period."),
    )


def _top_chart(top: list[dict]) -> Chart:
    return Chart(
        id="content-top-assets",
        title=_("Assets downloaded most"),
        kind="horizontal_bar",
        categories=[row["title"] for row in top],
        series=[Series(_("Downloads"), [row["downloads"] for row in top])],
        caption=_("Downloads in the period by the partners' users."),
        category_label=_("Asset"),
    )


def _top_table(top: list[dict]) -> Table:
    types, languages = dict(AssetType.choices), dict(AssetLanguage.choices)
    return Table(
        id="content-assets",
        title=_("Top assets"),
        header=[_("Asset"), _("Type"), _("Language"), _("Downloads"), _("Users")],
        rows=[
            [
                row["title"],
                str(types.get(row["asset_type"], row["asset_type"])),
                str(languages.get(row["language"], row["language"])),
                row["downloads"],
                row["users"],
            ]
            for row in top
        ],
        caption=_(
            "An asset's title is the one its editors gave it; its type and "
            "language are in yours."
        ),
    )


def _searches_table(terms) -> Table:
    return Table(
        id="content-searches",
        title=_("Searches that found nothing"),
        header=[_("Query"), _("Searches"), _("Users"), _("Last searched")],
        rows=[
            [
                row["text"],
                row["searches"],
                row["users"],
                timezone.localtime(row["last_searched"]).date(),
            ]
            for row in terms
        ],
        caption=_(
            "What the partners' users searched for in the period and did not find, "
            "most searched first, as the search terms report counts it; never who "
            "searched."
        ),
    )
