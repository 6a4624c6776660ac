"""Support's work on the admin home: unresolved tickets that breached their SLA or
are about to (within the hour), of the partners in the user's reach."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem
from partner_portal.partners.ownership import partner_owned

from .models import Ticket
from .sla import DUE_SOON


def tickets_at_risk(request) -> WorkCard | None:
    user = request.user
    if not user.has_perm("support.answer_ticket"):
        return None
    now = timezone.now()
    tickets = (
        partner_owned.policy_for(Ticket)
        .visible_to(user, Ticket.objects.unresolved())
        .with_sla(now, DUE_SOON)
        .filter(sla_rank__gt=0)
        .select_related("partner")
        .order_by("-sla_rank", "next_due", "pk")
    )
    breached = tickets.filter(sla_rank=2)
    return WorkCard(
        title=_("Tickets breaching their SLA"),
        icon="help",
        count=tickets.count(),
        url=f"{reverse('support_admin:index')}?{urlencode({'sla': 'breached'})}",
        empty=_("No open ticket has breached its SLA or is about to."),
        urgent=breached.count(),
        urgent_label=_("breached"),
        items=[
            WorkItem(
                label=f"#{ticket.number} {ticket.subject}",
                url=reverse("support_admin:ticket", args=[ticket.pk]),
                detail=ticket.partner.name
                + " · "
                + (_("breached") if ticket.sla_rank == 2 else _("due within the hour")),
                urgent=ticket.sla_rank == 2,
            )
            for ticket in tickets[:FIRST_FEW]
        ],
    )
