"""GET /api/v1/search/: the portal search, for the token's user.

The same query service as the portal page (search.query), so the audience filter,
facets, highlights and the database fallback are the same; only the shape differs.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from partner_portal.partners.access import audience_for
from search.models import SearchSource
from search.query import FILTERABLE, MAX_PER_PAGE, search, words_language
from search.registry import kinds
from search.services import search_query_record
from search.validators import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    QUERY_TOO_LONG,
    validate_query,
)

from ..conventions import ApiViewMixin
from ..serializers import VISIBLE_TEXT_PATTERN, TextField, WholeNumberField

# Facets under the name of the filter that narrows to one of their values.
FACET_PARAMS = {facet: param for param, facet in FILTERABLE.items()}


# What a query is once the middleware has removed control characters: 1 to
# MAX_QUERY_WORDS words (as str.split() counts them), a word having something
# besides control characters; runs of controls alone are no word.
_CONTROLS = r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]+"
_WORD = rf"\S*{VISIBLE_TEXT_PATTERN}\S*"
_GAP = rf"\s+(?:{_CONTROLS}\s+)*"
QUERY_PATTERN = (
    rf"^\s*(?:{_CONTROLS}\s+)*{_WORD}(?:{_GAP}{_WORD}){{0,{MAX_QUERY_WORDS - 1}}}"
    rf"(?:\s+{_CONTROLS})*\s*$"
)


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_QUERY_LENGTH,
        "pattern": QUERY_PATTERN,
    }
)
class QueryField(TextField):
    """The words searched for, capped as on the portal, by the portal's validator
    (search.validators): one message for both limits, both in the schema."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("error_messages", {"max_length": QUERY_TOO_LONG})
        super().__init__(**kwargs)
        self.validators.append(validate_query)


class SearchParamsSerializer(serializers.Serializer):
    q = QueryField(
        help_text=format_lazy(
            _(
                "The words to search for, in any language: at most {characters} "
                "characters and {words} words."
            ),
            characters=MAX_QUERY_LENGTH,
            words=MAX_QUERY_WORDS,
        )
    )
    kind = serializers.ChoiceField(
        choices=(),
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": _("There is no such kind of content.")},
        help_text=_("Only this kind: course, lesson, asset, policy or announcement."),
    )
    asset_type = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Only assets of this type.")
    )
    product = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Only items for this product.")
    )
    language = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Only items in this language.")
    )
    page = WholeNumberField(min_value=1, default=1)
    page_size = WholeNumberField(
        min_value=1,
        max_value=MAX_PER_PAGE,
        default=20,
        help_text=_("Results per page, at most 50."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds registered once the apps are ready, so the schema lists them.
        self.fields["kind"].choices = sorted(kind.name for kind in kinds())


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.CharField(
        help_text=_(
            "The item found, within its kind; each language version of a page has "
            "its own, and a page is listed once."
        )
    )
    title = serializers.CharField()
    title_highlight = serializers.CharField(
        allow_null=True,
        help_text=_("The title as HTML, matching words in <mark>; null if none."),
    )
    snippet = serializers.CharField(
        help_text=_("Passages of the text as HTML, matching words in <mark>.")
    )
    url = serializers.CharField(allow_null=True)
    asset_type = serializers.CharField(allow_null=True)
    language = serializers.CharField(allow_null=True)
    text_language = serializers.CharField(
        help_text=_(
            "The language of the title and snippet: a page found by the words of "
            "its translation is shown in the translation's language."
        )
    )
    products = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    published_at = serializers.DateTimeField(allow_null=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchFacetsSerializer(serializers.Serializer):
    kind = FacetValueSerializer(many=True)
    asset_type = FacetValueSerializer(many=True)
    product = FacetValueSerializer(many=True)
    language = FacetValueSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Results in all pages."))
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    incomplete = serializers.BooleanField(
        help_text=_(
            "True while the search index is unreachable: results come from the "
            "database and may be incomplete."
        )
    )
    facets = SearchFacetsSerializer()
    results = SearchHitSerializer(many=True)


def _page_url(request, page, pages):
    if not 1 <= page <= pages:
        return None
    return replace_query_param(request.build_absolute_uri(), "page", page)


def _hit(hit):
    return {
        "kind": hit["kind"],
        "id": hit["object_id"],
        "title": hit.get("title", ""),
        "title_highlight": hit.get("title_highlight"),
        "snippet": hit.get("snippet", ""),
        "url": hit.get("url"),
        "asset_type": hit.get("asset_type"),
        "language": hit.get("language"),
        "text_language": words_language(hit),
        "products": list(hit.get("products") or []),
        "tags": list(hit.get("tags") or []),
        "published_at": hit.get("published_at"),
    }


class SearchView(ApiViewMixin, APIView):
    """Courses, lessons, assets, policies and announcements the caller may see."""

    @extend_schema(
        operation_id="search",
        parameters=[SearchParamsSerializer],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = search(
            audience=audience_for(request.user),
            query=data["q"],
            page=data["page"],
            per_page=data["page_size"],
            **{name: data.get(name, "") for name in FILTERABLE},
        )
        search_query_record(
            text=data["q"], result=result, user=request.user, source=SearchSource.API
        )
        body = SearchResultSerializer(
            {
                "count": result.total,
                "page": result.page,
                "pages": result.pages,
                "next": _page_url(request, result.page + 1, result.pages),
                "previous": _page_url(request, result.page - 1, result.pages),
                "incomplete": result.degraded,
                "facets": {
                    FACET_PARAMS[name]: [
                        {"value": value, "count": count}
                        for value, count in result.facets.get(name, [])
                    ]
                    for name in FACET_PARAMS
                },
                "results": [_hit(hit) for hit in result.hits],
            }
        )
        return Response(body.data)
