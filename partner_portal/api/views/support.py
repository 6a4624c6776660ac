"""API views of support tickets.

Partner users open tickets and reply to those they may see (a partner admin all of
the partner's, other roles their own); staff with `support.view_ticket` read those
of the partners they may see, and with `support.answer_ticket` reply, internal notes
too. Every row is scoped by the ticket's `PartnerOwnedPolicy`, as in the portal and
the admin; a partner caller never receives an internal note.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from partner_portal.partners.ownership import partner_owned
from partner_portal.support.models import Priority, Ticket, TicketMessage
from partner_portal.support.services.tickets import ticket_open, ticket_reply
from partner_portal.support.sla import DUE_SOON

from ..conventions import (
    ApiViewMixin,
    ETagRetrieveMixin,
    FilterBackend,
    PartnerOwnedApiMixin,
    StableCursorPagination,
    service_call,
)
from ..filters import TicketFilterSet
from ..parsers import CleanJSONParser
from ..serializers import (
    TicketInputSerializer,
    TicketReplyInputSerializer,
    TicketSerializer,
)

ANSWER_PERMISSION = "support.answer_ticket"

_ticket_id = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The ticket's id.")
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_ticket_id]),
    create=extend_schema(
        request=TicketInputSerializer, responses={201: TicketSerializer}
    ),
    replies=extend_schema(
        parameters=[_ticket_id],
        request=TicketReplyInputSerializer,
        responses={201: TicketSerializer},
    ),
)
class TicketViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Support tickets the caller may see, breached or not, with their replies.

    A partner user sees the tickets of their partner their role allows (a partner
    admin all of them, other roles their own), opens tickets (POST) and replies
    (`replies/`); internal notes are never in their answers. Staff with
    `support.view_ticket` see those of the partners they may see (an account
    manager: the partners assigned to them), each reply with `internal`; with
    `support.answer_ticket` they reply, and `internal: true` writes a note only
    staff read.
    """

    serializer_class = TicketSerializer
    filterset_class = TicketFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    parser_classes = [CleanJSONParser]
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"[0-9]+"
    lookup_url_kwarg = "id"
    owned_model = Ticket
    owned_select_related = ("partner", "category")

    @property
    def staff_caller(self) -> bool:
        return self.request.user.is_staff

    def get_queryset(self):
        replies = TicketMessage.objects.select_related("author").order_by(
            "created_at", "pk"
        )
        if not self.staff_caller:
            replies = replies.filter(internal=False)
        return (
            super()
            .get_queryset()
            .with_sla(timezone.now(), DUE_SOON)
            .prefetch_related(
                Prefetch("messages", queryset=replies, to_attr="readable_replies")
            )
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": self.staff_caller}

    def _answer(self, ticket: Ticket, code=status.HTTP_200_OK) -> Response:
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(self.get_serializer(ticket).data, status=code)

    def create(self, request, *args, **kwargs):
        partner = partner_owned.policy_for(Ticket).partner_of(request.user)
        if partner is None:
            raise exceptions.PermissionDenied(_("Only partner users open tickets."))
        data = TicketInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ticket = service_call(
            ticket_open,
            partner=partner,
            by=request.user,
            category=values["category"],
            priority=values.get("priority") or Priority.NORMAL,
            subject=values["subject"],
            description=values["description"],
            product=values.get("product"),
        )
        return self._answer(ticket, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def replies(self, request, *args, **kwargs):
        """Reply to the ticket: `body`, and for staff who may answer tickets
        `internal: true` for a note partners never see. A partner's reply to a
        ticket waiting on them, or resolved, opens it again. The answer is the
        ticket with its replies."""
        ticket = self.get_object()
        data = TicketReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        internal = data.validated_data.get("internal", False)
        user = request.user
        if user.is_staff and not user.has_perm(ANSWER_PERMISSION):
            raise exceptions.PermissionDenied(_("You may not answer tickets."))
        if internal and not user.is_staff:
            raise exceptions.PermissionDenied(_("Only staff write internal notes."))
        service_call(
            ticket_reply,
            ticket=ticket,
            by=user,
            body=data.validated_data["body"],
            internal=internal,
        )
        return self._answer(ticket, status.HTTP_201_CREATED)
