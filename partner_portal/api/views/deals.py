"""API views of deal registrations and market development funds.

Partner admins and sales users write and submit their drafts; staff who may decide
registrations decide them; MDF requests and claims are read-only. Every row is
scoped by its model's `PartnerOwnedPolicy`, as in the portal and the admin.
"""

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from partner_portal.deals.models import Deal, FundClaim, FundRequest
from partner_portal.deals.services.deals import (
    WRONG_STATUS,
    Decision,
    deal_decide,
    deal_save,
    deal_submit,
)
from partner_portal.deals.wording import CONFLICT_NOTICE
from partner_portal.partners.models import Product
from partner_portal.partners.ownership import partner_owned

from ..conventions import (
    ApiViewMixin,
    ETagRetrieveMixin,
    FilterBackend,
    PartnerOwnedApiMixin,
    StableCursorPagination,
    service_call,
)
from ..filters import DealFilterSet, FundClaimFilterSet, FundRequestFilterSet
from ..parsers import CleanJSONParser
from ..serializers import (
    ApiErrorSerializer,
    DealDecisionInputSerializer,
    DealInputSerializer,
    DealRejectionInputSerializer,
    DealSerializer,
    DealSubmittedSerializer,
    FundClaimSerializer,
    FundRequestSerializer,
)

ID_PATTERN = r"[0-9]+"

_deal_id = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The registration's id."),
)
_wrong_status = OpenApiResponse(
    ApiErrorSerializer,
    description=_(
        "The registration's status does not allow this now (code `wrong_status`): "
        "only drafts change and are submitted, and only submitted registrations "
        "are decided."
    ),
)
_decision = PolymorphicProxySerializer(
    component_name="DealDecision",
    serializers={
        Decision.APPROVE: DealDecisionInputSerializer,
        Decision.CO_SELL: DealDecisionInputSerializer,
        Decision.REJECT: DealRejectionInputSerializer,
    },
    resource_type_field_name="decision",
)

SUBMITTED_MESSAGE = _("Your registration was submitted. Staff will decide by %(date)s.")


def submission_message(deal: Deal) -> str:
    """What a submission means for the registrant, in the active language."""
    if deal.conflict:
        return str(CONFLICT_NOTICE)
    due = timezone.localdate(deal.decision_due)
    return str(SUBMITTED_MESSAGE) % {"date": formats.date_format(due)}


@extend_schema_view(
    retrieve=extend_schema(parameters=[_deal_id]),
    create=extend_schema(request=DealInputSerializer, responses={201: DealSerializer}),
    partial_update=extend_schema(
        parameters=[_deal_id],
        request=DealInputSerializer,
        responses={200: DealSerializer, 409: _wrong_status},
    ),
    submit=extend_schema(
        parameters=[_deal_id],
        request=None,
        responses={200: DealSubmittedSerializer, 409: _wrong_status},
    ),
    decision=extend_schema(
        parameters=[_deal_id],
        request=_decision,
        responses={200: DealSerializer, 409: _wrong_status},
    ),
)
class DealViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Deal registrations the caller may see.

    A partner admin or sales user sees their partner's registrations, creates
    drafts (POST), changes them (PATCH) and submits them (`submit/`); other partner
    roles see none. Staff with `deals.view_deal` see those of the partners they may
    see (an account manager: the partners assigned to them), and with
    `deals.decide_deal` decide submitted ones (`decision/`). A submission that
    matches another pending or approved registration of the same customer with a
    product in common is flagged `conflict`, and nothing more is told.
    """

    serializer_class = DealSerializer
    filterset_class = DealFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    # JSON only: a form's missing field would read as "unchanged" in a PATCH.
    parser_classes = [CleanJSONParser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = ID_PATTERN
    lookup_url_kwarg = "id"
    owned_model = Deal
    owned_select_related = ("partner",)

    def get_queryset(self):
        products = Product.objects.order_by("pk").only("pk")
        return super().get_queryset().prefetch_related(Prefetch("products", products))

    def create(self, request, *args, **kwargs):
        partner = self._registrant_partner()
        data = DealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deal = service_call(
            deal_save, partner=partner, by=request.user, **data.validated_data
        )
        deal = self.get_queryset().get(pk=deal.pk)
        return Response(DealSerializer(deal).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        deal = self.get_object()
        partner = self._registrant_partner()
        data = DealInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        products = fields.pop("products", None)
        service_call(
            deal_save,
            state_code=WRONG_STATUS,
            partner=partner,
            by=request.user,
            deal=deal,
            products=deal.products.all() if products is None else products,
            **fields,
        )
        return self.retrieve(request, *args, **kwargs)

    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def submit(self, request, *args, **kwargs):
        """Submit a draft for staff to decide. The answer is the registration, with
        `conflict` set, and a `message` for the registrant in the caller's language
        (Accept-Language): for a conflict, only that a registration for this
        customer already exists and staff will decide."""
        deal = self.get_object()
        self._registrant_partner()
        deal = service_call(
            deal_submit, state_code=WRONG_STATUS, deal=deal, by=request.user
        )
        answer = DealSubmittedSerializer(
            self.get_object(), context={"message": submission_message(deal)}
        )
        return Response(answer.data)

    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def decision(self, request, *args, **kwargs):
        """Decide a submitted registration: `approve` starts its protection window;
        `reject` needs a `reason`, which the partner reads; `co_sell` approves it
        and the registrations it conflicts with that are still pending. `note` is
        for staff only."""
        deal = self.get_object()
        user = request.user
        if not (
            user.is_staff
            and user.has_perm(partner_owned.policy_for(Deal).permission("decide"))
        ):
            raise exceptions.PermissionDenied(
                _("You may not decide deal registrations.")
            )
        body = request.data
        rejects = isinstance(body, dict) and body.get("decision") == Decision.REJECT
        input_class = (
            DealRejectionInputSerializer if rejects else DealDecisionInputSerializer
        )
        data = input_class(data=body)
        data.is_valid(raise_exception=True)
        service_call(
            deal_decide,
            state_code=WRONG_STATUS,
            deal=deal,
            by=user,
            **data.validated_data,
        )
        return Response(DealSerializer(self.get_object()).data)

    def _registrant_partner(self):
        """The caller's partner, for a partner admin or sales user; else 403."""
        partner = partner_owned.policy_for(Deal).partner_of(self.request.user)
        if partner is None:
            raise exceptions.PermissionDenied(
                _("Only a partner's admin and sales users register deals.")
            )
        return partner


_request_id = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The MDF request's id."),
)
_claim_id = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The MDF claim's id."),
)


@extend_schema_view(retrieve=extend_schema(parameters=[_request_id]))
class FundRequestViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """MDF requests the caller may see; read-only.

    A partner admin or marketing user sees their partner's requests, other partner
    roles none; staff with `deals.view_fundrequest` those of the partners they may
    see. Amounts are strings with two decimals, in the allocation's currency.
    """

    serializer_class = FundRequestSerializer
    filterset_class = FundRequestFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]
    lookup_value_regex = ID_PATTERN
    lookup_url_kwarg = "id"
    owned_model = FundRequest
    owned_select_related = ("partner", "allocation")


@extend_schema_view(retrieve=extend_schema(parameters=[_claim_id]))
class FundClaimViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """MDF claims the caller may see; read-only.

    A partner admin or marketing user sees their partner's claims, other partner
    roles none; staff with `deals.view_fundclaim` those of the partners they may
    see. The approved amount is never above the request's approved amount.
    """

    serializer_class = FundClaimSerializer
    filterset_class = FundClaimFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]
    lookup_value_regex = ID_PATTERN
    lookup_url_kwarg = "id"
    owned_model = FundClaim
    owned_select_related = ("partner", "request__allocation")
