from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from partner_portal.partners.access import audience_for

from ..models import SearchSource
from ..query import FACETS, FILTERABLE, facet_label, search, suggest, words_language
from ..services import click_token, search_click_record, search_query_record
from ..validators import validate_query

# Each facet's heading and the parameter that filters by it.
FACET_PARAMS = {
    "kind": (_("Kind"), "kind"),
    "asset_type": (_("Asset type"), "asset_type"),
    "products": (_("Product"), "product"),
    "language": (_("Language"), "language"),
}


def _url(request, **changes) -> str:
    """This page's address with `changes` (None removes a parameter); every other
    filter stays, and a new filter starts again at the first page."""
    params = request.GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return f"?{params.urlencode()}"


def _facets(request, result, filters) -> list[dict]:
    """The facets as the page lists them: labelled values, each a link that keeps
    the other filters, the chosen one a link that removes it."""
    shown = []
    for name in FACETS:
        title, param = FACET_PARAMS[name]
        options = [
            {
                "label": facet_label(name, value),
                "count": count,
                "selected": filters.get(param) == value,
                "url": _url(
                    request, **{param: None if filters.get(param) == value else value}
                ),
            }
            for value, count in result.facets.get(name, [])
        ]
        if options:
            shown.append({"title": title, "options": options})
    return shown


def _page(request):
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@require_GET
def search_page(request):
    """The portal search: one box across courses, lessons, assets, policies and news."""
    query = request.GET.get("q", "").strip()
    filters = {name: request.GET.get(name, "") for name in FILTERABLE}
    result = None
    try:
        validate_query(query)
    except ValidationError as error:
        return render(
            request,
            "search/results.html",
            {"query": query, "filters": filters, "refusal": error.messages[0]},
            status=400,
        )
    if query:
        result = search(
            audience=audience_for(request.user),
            query=query,
            page=_page(request),
            **filters,
        )
        search_query_record(
            text=query, result=result, user=request.user, source=SearchSource.PORTAL
        )
        for hit in result.hits:
            hit["click_token"] = click_token(text=query, hit=hit)
            hit["kind_label"] = facet_label("kind", hit["kind"])
            hit["lang"] = words_language(hit)
    context = {"query": query, "filters": filters, "result": result}
    if result is not None:
        context["facets"] = _facets(request, result, filters)
        context["previous_url"] = _url(request, page=str(result.page - 1))
        context["next_url"] = _url(request, page=str(result.page + 1))
    return render(request, "search/results.html", context)


@require_GET
def search_click(request, token):
    """Record which result was opened, then go there.

    The token is signed by the results page, so this only ever redirects to a result
    we listed (no open redirect) and records only clicks we offered.
    """
    try:
        click = search_click_record(token=token)
    except signing.BadSignature:
        raise Http404 from None
    return HttpResponseRedirect(click.url)


@require_GET
def search_suggest(request):
    """Titles for the autocomplete box, among what the user may see."""
    prefix = request.GET.get("q", "")
    try:
        validate_query(prefix)
    except ValidationError:
        return JsonResponse({"suggestions": []})
    titles = suggest(audience=audience_for(request.user), prefix=prefix)
    return JsonResponse({"suggestions": titles})
