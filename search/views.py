from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partner_portal.partners.access import audience_for

from .query import FILTERABLE, search, suggest


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
    if query:
        result = search(
            audience=audience_for(request.user),
            query=query,
            page=_page(request),
            **filters,
        )
    return render(
        request,
        "search/results.html",
        {"query": query, "filters": filters, "result": result},
    )


@require_GET
def search_suggest(request):
    """Titles for the autocomplete box, among what the user may see."""
    titles = suggest(
        audience=audience_for(request.user), prefix=request.GET.get("q", "")
    )
    return JsonResponse({"suggestions": titles})
