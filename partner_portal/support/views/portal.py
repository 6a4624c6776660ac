"""The partner's support tickets in the portal, under /support/.

Every partner user of a partner with access opens tickets and follows them; a
partner admin sees all of the partner's tickets, other roles their own (the
partner-owned policy of `Ticket`). Anything else answers 404: another partner's
ticket, a colleague's for a non-admin role, every ticket once the partner is
suspended. The thread shows public replies only, and attachments of the ticket and
of public replies: internal notes and their files never reach these pages.

While the partner types the subject, the form asks `suggestions` for answers from
the library; opening one goes through `deflect`, which records the deflection.
The rating link of the resolved ticket's email (`rate_by_link`) works without
signing in, once.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partner_portal.home_cards import Todo
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import Partner
from partner_portal.partners.ownership import partner_owned
from partner_portal.request_limits import upload_limit

from ..models import Rating, Ticket, TicketAttachment, TicketEvent, TicketMessage
from ..portal_forms import RatingForm, ReplyForm, TicketForm
from ..rating_links import ticket_id_of
from ..services.ratings import RATEABLE, ticket_rate
from ..services.tickets import ticket_open, ticket_reply, ticket_status_set
from ..sla import sla_state
from ..suggestions import deflection_record, suggestions_for

PAGE_SIZE = 25
CARD_ITEMS = 5
UNRESOLVED = (Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING)
# The list's filters: what each shows, in the order of the tabs.
FILTERS = {
    "open": (gettext_lazy("Unresolved"), UNRESOLVED),
    "waiting": (gettext_lazy("Waiting on you"), (Ticket.Status.WAITING,)),
    "resolved": (gettext_lazy("Resolved"), (Ticket.Status.RESOLVED,)),
    "closed": (gettext_lazy("Closed"), (Ticket.Status.CLOSED,)),
}


def _partner(request) -> Partner:
    return partner_owned.policy_for(Ticket).partner_or_404(request.user)


def _tickets(request):
    return partner_owned.policy_for(Ticket).visible_to(request.user)


def _ticket(request, pk) -> Ticket:
    _partner(request)
    return get_object_or_404(
        _tickets(request).select_related("category", "product", "opened_by"), pk=pk
    )


def _public(ticket: Ticket):
    """The ticket's attachments a partner sees: the ticket's own and its public
    replies', never an internal note's."""
    return ticket.attachments.filter(
        Q(message__isnull=True) | Q(message__internal=False)
    ).select_related("document")


def _latest(queryset, field: str):
    """The latest `field` of `queryset`'s rows about the outer ticket."""
    return Subquery(
        queryset.filter(ticket=OuterRef("pk")).order_by(f"-{field}").values(field)[:1]
    )


def _listed(tickets):
    """Tickets as the list shows them: waiting on the partner first, then the rest
    still open, then the answered ones, the latest activity first in each; the
    latest activity counts public replies and status changes only."""
    return (
        tickets.select_related("category")
        .annotate(
            last_activity=Greatest(
                "created_at",
                Coalesce(
                    _latest(TicketMessage.objects.filter(internal=False), "created_at"),
                    "created_at",
                ),
                Coalesce(_latest(TicketEvent.objects.all(), "at"), "created_at"),
            ),
            rank=Case(
                When(status=Ticket.Status.WAITING, then=Value(0)),
                When(status__in=UNRESOLVED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", "-last_activity", "-pk")
    )


@login_required
@require_GET
def support_home(request):
    partner = _partner(request)
    tickets = _tickets(request)
    counts = {
        row["status"]: row["n"]
        for row in tickets.order_by().values("status").annotate(n=Count("pk"))
    }
    shown = request.GET.get("status", "")
    if shown not in FILTERS:
        shown = ""
    listed = tickets.filter(status__in=FILTERS[shown][1]) if shown else tickets
    page = Paginator(_listed(listed), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for ticket in page.object_list:
        ticket.sla = sla_state(ticket, now)
    return render(
        request,
        "portal/support/home.html",
        {
            "partner": partner,
            "page": page,
            "status": shown,
            "total": sum(counts.values()),
            "filters": [
                {
                    "value": value,
                    "label": label,
                    "count": sum(counts.get(status, 0) for status in statuses),
                }
                for value, (label, statuses) in FILTERS.items()
            ],
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@upload_limit("TICKET_UPLOAD_MAX_BYTES")
@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    partner = _partner(request)
    form = TicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_open(
                partner=partner,
                by=request.user,
                category=data["category"],
                product=data["product"],
                priority=data["priority"],
                subject=data["subject"],
                description=data["description"],
                files=data["attachments"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your ticket is open. Our support team will answer here and "
                    "by email."
                ),
            )
            return redirect("ticket-detail", ticket.pk)
    return render(
        request,
        "portal/support/form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _detail(request, ticket: Ticket, *, reply_form=None, rating_form=None):
    thread = (
        ticket.messages.filter(internal=False)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=TicketAttachment.objects.select_related("document"),
            )
        )
    )
    events = list(ticket.events.select_related("by"))
    timeline = [
        event
        for before, event in zip([None, *events], events, strict=False)
        if before is None or before.status != event.status
    ]
    rating = Rating.objects.filter(ticket=ticket).first()
    rateable = ticket.status in RATEABLE and rating is None
    return render(
        request,
        "portal/support/detail.html",
        {
            "ticket": ticket,
            "sla": sla_state(ticket, timezone.now()),
            "thread": thread,
            "files": _public(ticket).filter(message__isnull=True),
            "timeline": timeline,
            "rating": rating,
            "reply_form": reply_form
            or (ReplyForm() if ticket.status != Ticket.Status.CLOSED else None),
            "rating_form": rating_form or (RatingForm() if rateable else None),
            "may_resolve": ticket.status in UNRESOLVED,
        },
        status=400 if (reply_form or rating_form) else 200,
    )


@login_required
@require_GET
def ticket_detail(request, pk):
    return _detail(request, _ticket(request, pk))


@upload_limit("TICKET_UPLOAD_MAX_BYTES")
@login_required
@require_POST
def ticket_reply_view(request, pk):
    ticket = _ticket(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        before = ticket.status
        try:
            ticket_reply(
                ticket=ticket,
                by=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if before in (Ticket.Status.WAITING, Ticket.Status.RESOLVED):
                messages.success(
                    request,
                    _("Your reply is sent and the ticket is open again."),
                )
            else:
                messages.success(request, _("Your reply is sent."))
            return redirect("ticket-detail", ticket.pk)
    return _detail(request, ticket, reply_form=form)


@login_required
@require_POST
def ticket_resolve(request, pk):
    ticket = _ticket(request, pk)
    if ticket.status in UNRESOLVED:
        ticket_status_set(ticket=ticket, by=request.user, status=Ticket.Status.RESOLVED)
        messages.success(
            request,
            _("The ticket is resolved. Tell us how well we helped you below."),
        )
    return redirect("ticket-detail", ticket.pk)


@login_required
@require_POST
def ticket_rate_view(request, pk):
    ticket = _ticket(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ticket_rate(ticket=ticket, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you for rating our answer."))
        return redirect("ticket-detail", ticket.pk)
    return _detail(request, ticket, rating_form=form)


KIND_LABELS = {
    "asset": gettext_lazy("Resource"),
    "lesson": gettext_lazy("Lesson"),
    "policy": gettext_lazy("Policy"),
}


@login_required
@require_GET
def suggestions(request):
    """Answers from the library for the subject typed so far, as JSON; each link
    goes through `deflect`."""
    _partner(request)
    found = suggestions_for(
        audience=audience_for(request.user), query=request.GET.get("q", "")
    )
    return JsonResponse(
        {
            "suggestions": [
                {
                    "title": item["title"],
                    "kind": str(KIND_LABELS[item["kind"]]),
                    "url": reverse("ticket-deflect", args=[item["token"]]),
                }
                for item in found
            ]
        }
    )


@login_required
@require_GET
def deflect(request, token):
    """Record that the partner opened a suggested answer, then go there: only to
    an address of this site that a suggestion gave."""
    partner = _partner(request)
    try:
        deflection = deflection_record(token=token, user=request.user, partner=partner)
    except signing.BadSignature:
        raise Http404 from None
    if not url_has_allowed_host_and_scheme(
        deflection.url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        raise Http404
    return HttpResponseRedirect(deflection.url)


def _link_refused(request, message: str):
    return render(
        request, "portal/support/rate_link.html", {"refusal": message}, status=410
    )


@require_http_methods(["GET", "POST"])
def rate_by_link(request, token):
    """The rating page of a resolved ticket's email: works without signing in,
    for one rating within `rating_links.VALID_FOR`."""
    try:
        ticket_id = ticket_id_of(token)
    except signing.SignatureExpired:
        return _link_refused(
            request,
            _(
                "This rating link has expired: links work for 14 days. Sign in "
                "to the portal to rate the ticket there."
            ),
        )
    except signing.BadSignature:
        return _link_refused(
            request,
            _(
                "This rating link is not valid. Open it exactly as it came in the "
                "email, or sign in to the portal to rate the ticket."
            ),
        )
    ticket = Ticket.objects.select_related("partner").filter(pk=ticket_id).first()
    if ticket is None or not ticket.partner.grants_access:
        return _link_refused(request, _("This ticket can no longer be rated."))
    if Rating.objects.filter(ticket=ticket).exists():
        return _link_refused(
            request,
            _("This link was used already: the ticket is rated. Thank you."),
        )
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket_rate(ticket=ticket, by=None, **form.cleaned_data)
        except ValidationError as error:
            return _link_refused(request, " ".join(error.messages))
        return render(
            request, "portal/support/rate_link.html", {"ticket": ticket, "done": True}
        )
    return render(
        request,
        "portal/support/rate_link.html",
        {"ticket": ticket, "form": form},
        status=400 if form.errors else 200,
    )


def ticket_todos(request) -> list[Todo]:
    """The partner home's to-dos: each ticket the user sees that waits on the
    partner's answer."""
    if partner_owned.policy_for(Ticket).partner_of(request.user) is None:
        return []
    return [
        Todo(
            _("Answer our question on the ticket “%(subject)s”.")
            % {"subject": ticket.subject},
            reverse("ticket-detail", args=[ticket.pk]),
        )
        for ticket in _tickets(request)
        .filter(status=Ticket.Status.WAITING)
        .order_by("created_at")
    ]


def support_card(request):
    """Context of the partner home's support card: how many tickets the user sees
    are open and waiting on the partner, the first few (waiting first); for partner
    users only, who see an empty state when none is open."""
    if partner_owned.policy_for(Ticket).partner_of(request.user) is None:
        return None
    tickets = _tickets(request).filter(status__in=UNRESOLVED)
    return {
        "tickets": list(_listed(tickets)[:CARD_ITEMS]),
        **tickets.aggregate(
            open=Count("pk"),
            waiting=Count("pk", filter=Q(status=Ticket.Status.WAITING)),
        ),
    }
