"""The editors' report of what partners search for, and what finds nothing."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from partner_portal.tabular.export import SafeExportMixin

from ..models import SearchClick, SearchQuery, SearchSource
from ..selectors import search_terms


class SearchTermsFilterSet(WagtailFilterSet):
    searched_at = django_filters.DateFromToRangeFilter(label=_("Searched between"))
    found_nothing = django_filters.BooleanFilter(
        label=_("Found nothing"), method="filter_found_nothing"
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=SearchSource.choices
    )

    class Meta:
        model = SearchQuery
        fields = ["searched_at", "found_nothing", "source"]

    def filter_found_nothing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(results=0) if value else queryset.filter(results__gt=0)


class SearchTermsReportView(SafeExportMixin, ReportView):
    """Queries grouped by their text, most searched first; never who searched."""

    page_title = _("Search terms")
    header_icon = "search"
    index_url_name = "search_terms_report"
    index_results_url_name = "search_terms_report_results"
    filterset_class = SearchTermsFilterSet
    permission_policy = ModelPermissionPolicy(SearchQuery)
    permission_required = "view"
    export_filename = "search-terms"
    columns = [
        Column("text", label=_("Query")),
        Column("searches", label=_("Searches")),
        Column("found_nothing", label=_("Searches that found nothing")),
        Column("users", label=_("Users")),
        Column("clicks", label=_("Results opened")),
        DateColumn("last_searched", label=_("Last searched")),
    ]
    list_export = [
        "text",
        "searches",
        "found_nothing",
        "users",
        "clicks",
        "last_searched",
    ]
    export_headings = {column.name: column.label for column in columns}

    def get_queryset(self):
        searches = self.filter_queryset(SearchQuery.objects.all())
        clicks = SearchClick.objects.all()
        period = self.filters.is_valid() and self.filters.form.cleaned_data.get(
            "searched_at"
        )
        if period and period.start:
            clicks = clicks.filter(clicked_at__gte=period.start)
        if period and period.stop:
            clicks = clicks.filter(clicked_at__lte=period.stop)
        return search_terms(searches, clicks)
