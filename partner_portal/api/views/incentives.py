"""API views of incentives: statements with their lines and the sales lines each
line counted, and the programs they come from. Read-only."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from partner_portal.incentives.statements.sources import (
    line_sources,
    line_sources_total,
)

from ..conventions import (
    ApiViewMixin,
    ETagRetrieveMixin,
    FilterBackend,
    RowsCursorPagination,
    StableCursorPagination,
)
from ..filters import ProgramFilterSet, StatementFilterSet
from ..selectors import programs_for, statements_for
from ..serializers import (
    LineSourceSerializer,
    ProgramSerializer,
    StatementSerializer,
    money_text,
)

# A program's code is a slug (Program.code).
PROGRAM_CODE = r"[-a-zA-Z0-9_]+"


class LineSourcesPagination(RowsCursorPagination):
    """A line's sales lines by date, invoice and line number, with their sums."""

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = [*paginated["required"], "amount", "quantity"]
        paginated["properties"] = {
            **paginated["properties"],
            "amount": {
                "type": "string",
                "format": "decimal",
                "pattern": r"^-?\d+\.\d{2}$",
                "description": _(
                    "The sum of the amounts of all of them: the basis of a revenue "
                    "line."
                ),
            },
            "quantity": {
                "type": "integer",
                "description": _(
                    "The sum of the quantities of all of them: the basis of a "
                    "per-unit line."
                ),
            },
        }
        return paginated


_statement_id = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The statement's id.")
)
_line_number = OpenApiParameter(
    "number",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The line's number on the statement, from 1."),
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_statement_id]),
    sources=extend_schema(
        parameters=[_statement_id, _line_number],
        responses=LineSourceSerializer(many=True),
    ),
)
class StatementViewSet(
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incentive statements the caller may see, each with its lines; read-only.

    A partner admin or sales user sees their partner's statements once issued;
    staff with `incentives.view_statement` those of the partners they may see (an
    account manager: the partners assigned to them). An adjustment holds the
    differences a later run found against an issued statement, line by line.
    Amounts are strings with two decimals, in the statement's currency.
    """

    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return (
            statements_for(self.request.user)
            .select_related("partner", "program", "tier")
            .prefetch_related("lines")
        )

    @action(
        detail=True,
        url_path=r"lines/(?P<number>[0-9]+)/sources",
        url_name="line-sources",
        filterset_class=None,
        pagination_class=LineSourcesPagination,
    )
    def sources(self, request, *args, **kwargs):
        """The sales lines a statement line counted, as the ledger held them when
        the statement was computed (later imports change nothing here): invoice,
        line number, date, SKU, quantity and amount, by date. Their amounts add up
        to the basis of a revenue line, their quantities to that of a per-unit
        line. An adjustment's line lists the sales lines that changed, by how much.
        """
        statement = self.get_object()
        number = int(kwargs["number"])
        # The statement's lines came with it.
        line = next((x for x in statement.lines.all() if x.number == number), None)
        if line is None:
            raise Http404
        count, amount, quantity = line_sources_total(line)
        page = self.paginator.paginate_rows(
            lambda offset, limit: line_sources(line, offset=offset, limit=limit),
            count,
            request,
        )
        return self.paginator.get_paginated_response(
            LineSourceSerializer(page, many=True).data,
            amount=money_text(amount),
            quantity=int(quantity),
        )


_program_code = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The program's code."),
    # ProgramViewSet.lookup_value_regex: other values name no program (404).
    pattern=rf"^{PROGRAM_CODE}$",
)


@extend_schema_view(retrieve=extend_schema(parameters=[_program_code]))
class ProgramViewSet(
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Incentive programs, each as a program file holds it (`load_programs` reads
    the same shape); read-only.

    Staff with `incentives.view_program` see every program; a partner admin or
    sales user those not yet ended that their partner's tier is eligible for now,
    and those it has statements of.
    """

    serializer_class = ProgramSerializer
    filterset_class = ProgramFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]
    lookup_field = "code"
    lookup_value_regex = PROGRAM_CODE

    def get_queryset(self):
        return programs_for(self.request.user).prefetch_related("eligible_tiers")
