"""The partner's deal registrations in the portal, under /deals/.

Partner admins and sales users of a partner with access register deals, save drafts,
submit them for a decision, follow each registration's timeline and report an
approved deal won or lost (the partner-owned policy of `Deal`); everyone else, and
any registration of another partner, answers 404.

A registration that conflicts with another tells its registrant only that one
exists and that the channel team decides: the page never reads the conflict rows,
so nothing of the other registration can reach it.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partner_portal.home_cards import Todo
from partner_portal.partners.models import Partner
from partner_portal.partners.ownership import partner_owned

from ..forms import DealForm, LostForm, WonForm
from ..models import Deal, DealEvent, DealSettings, FundAllocation
from ..services.deals import deal_lose, deal_save, deal_submit, deal_win
from ..wording import CONFLICT_NOTICE

PAGE_SIZE = 25
DECISIONS = {
    DealEvent.Action.APPROVED,
    DealEvent.Action.CO_SELL,
    DealEvent.Action.REJECTED,
    DealEvent.Action.EXTENDED,
}
CARD_ITEMS = 5
DEFAULT_CURRENCY = "USD"


def _partner(request) -> Partner:
    return partner_owned.policy_for(Deal).partner_or_404(request.user)


def _deals(request):
    return partner_owned.policy_for(Deal).visible_to(request.user)


def _deal(request, pk) -> Deal:
    _partner(request)
    return get_object_or_404(
        _deals(request).select_related("lost_reason", "registered_by"), pk=pk
    )


def usual_currency(partner: Partner) -> str:
    """The currency the partner registers its deals in most, else that of its latest
    fund allocation, else US dollars."""
    used = (
        Deal.objects.filter(partner=partner)
        .values("currency")
        .annotate(deals=Count("pk"))
        .order_by("-deals", "currency")
        .first()
    )
    if used:
        return used["currency"]
    allocation = (
        FundAllocation.objects.filter(partner=partner).order_by("-period_start").first()
    )
    return allocation.currency if allocation else DEFAULT_CURRENCY


def _values_of(deal: Deal) -> dict:
    """A draft's values as its form takes them."""
    return {
        "customer_name": deal.customer_name,
        "customer_domain": deal.customer_domain,
        "country": deal.country,
        "region": deal.region_id,
        "products": [product.pk for product in deal.products.all()],
        "estimated_value": deal.estimated_value,
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date,
        "notes": deal.notes,
        "contact_name": deal.contact_name,
        "contact_email": deal.contact_email,
        "contact_phone": deal.contact_phone,
    }


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under its field where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _submitted(request, deal: Deal):
    """Where a partner lands after submitting: the registration, with the
    conflict notice or the day the decision is due."""
    if deal.conflict:
        # The registration's page carries the conflict notice itself.
        messages.info(request, _("Your registration is submitted."))
    else:
        due = formats.date_format(timezone.localtime(deal.decision_due), "DATE_FORMAT")
        messages.success(
            request,
            _(
                "Your registration is submitted. Our channel team will decide "
                "by %(date)s and email you."
            )
            % {"date": due},
        )
    return redirect("deal-detail", deal.pk)


def _form_page(request, form, deal=None):
    return render(
        request,
        "portal/deals/form.html",
        {
            "form": form,
            "deal": deal,
            "decision_days": DealSettings.load().decision_business_days,
        },
        status=400 if form.errors else 200,
    )


def _save_from(request, form, partner: Partner, draft: Deal | None = None):
    """Save the form's draft, and submit it when the partner asked to (both or
    neither); the page to answer with."""
    fields = dict(form.cleaned_data)
    products = fields.pop("products")
    submit = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            deal = deal_save(
                partner=partner,
                by=request.user,
                products=products,
                deal=draft,
                **fields,
            )
            if submit:
                deal = deal_submit(deal=deal, by=request.user)
    except ValidationError as error:
        _add_errors(form, error)
        return _form_page(request, form, draft)
    if submit:
        return _submitted(request, deal)
    messages.success(
        request,
        _(
            "Your draft is saved. Submit it for approval when it is ready: only an "
            "approved registration protects the deal."
        ),
    )
    return redirect("deal-detail", deal.pk)


@login_required
@require_GET
def deals_home(request):
    partner = _partner(request)
    deals = _deals(request)
    counts = {
        row["status"]: row["n"]
        for row in deals.order_by().values("status").annotate(n=Count("pk"))
    }
    status = request.GET.get("status", "")
    if status not in Deal.Status.values:
        status = ""
    listed = deals.filter(status=status) if status else deals
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/deals/home.html",
        {
            "partner": partner,
            "page": page,
            "status": status,
            "total": sum(counts.values()),
            "statuses": [
                {"value": value, "label": label, "count": counts.get(value, 0)}
                for value, label in Deal.Status.choices
                if counts.get(value)
            ],
            "protection_days": DealSettings.load().protection_days,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deal_new(request):
    partner = _partner(request)
    form = DealForm(
        request.POST or None,
        initial={
            "country": partner.country,
            "region": partner.region_id,
            "currency": usual_currency(partner),
        },
    )
    if request.method == "POST" and form.is_valid():
        return _save_from(request, form, partner)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request, pk):
    deal = _deal(request, pk)
    if deal.status != Deal.Status.DRAFT:
        messages.info(
            request,
            _("This registration is submitted; only a draft can be changed."),
        )
        return redirect("deal-detail", deal.pk)
    form = DealForm(request.POST or None, initial=_values_of(deal))
    if request.method == "POST" and form.is_valid():
        return _save_from(request, form, deal.partner, deal)
    return _form_page(request, form, deal)


@login_required
@require_POST
def deal_submit_view(request, pk):
    """Submit a saved draft from its page, checked again as the form checks it (its
    expected close date may have passed since it was saved)."""
    deal = _deal(request, pk)
    if deal.status != Deal.Status.DRAFT:
        return redirect("deal-detail", deal.pk)
    form = DealForm(_values_of(deal))
    if not form.is_valid():
        return _form_page(request, form, deal)
    try:
        deal = deal_submit(deal=deal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deal-detail", deal.pk)
    return _submitted(request, deal)


def _detail_page(request, deal: Deal, *, won_form=None, lost_form=None):
    approved = deal.status == Deal.Status.APPROVED
    events = list(deal.events.select_related("by"))
    return render(
        request,
        "portal/deals/detail.html",
        {
            "deal": deal,
            "conflict_notice": CONFLICT_NOTICE,
            "products": deal.products.order_by("name"),
            "events": events,
            # The staff's latest word on it, whose reason the status panel quotes.
            "decision": next(
                (event for event in reversed(events) if event.action in DECISIONS),
                None,
            ),
            "won_form": won_form
            or (WonForm(currency=deal.currency) if approved else None),
            "lost_form": lost_form or (LostForm() if approved else None),
        },
        status=400 if (won_form or lost_form) else 200,
    )


@login_required
@require_GET
def deal_detail(request, pk):
    return _detail_page(request, _deal(request, pk))


@login_required
@require_POST
def deal_won(request, pk):
    deal = _deal(request, pk)
    form = WonForm(request.POST, currency=deal.currency)
    if form.is_valid():
        try:
            deal_win(
                deal=deal, by=request.user, final_value=form.cleaned_data["final_value"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Congratulations: the deal is recorded as won.")
            )
            return redirect("deal-detail", deal.pk)
    return _detail_page(request, deal, won_form=form)


@login_required
@require_POST
def deal_lost(request, pk):
    deal = _deal(request, pk)
    form = LostForm(request.POST)
    if form.is_valid():
        try:
            deal_lose(
                deal=deal,
                by=request.user,
                lost_reason=form.cleaned_data["lost_reason"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The deal is recorded as lost."))
            return redirect("deal-detail", deal.pk)
    return _detail_page(request, deal, lost_form=form)


def deals_card(request):
    """Context of the partner home's deals card: drafts still to submit and approved
    registrations whose protection ends soon; hidden when there is nothing to do,
    and from roles that do not see deals."""
    if partner_owned.policy_for(Deal).partner_of(request.user) is None:
        return None
    soon = DealSettings.load().first_reminder_days
    deals = _deals(request)
    drafts = deals.filter(status=Deal.Status.DRAFT).order_by("-created_at")
    ending = deals.filter(
        status=Deal.Status.APPROVED,
        protected_until__lte=timezone.localdate() + dt.timedelta(days=soon),
    ).order_by("protected_until", "pk")
    shown_drafts, more_drafts = _first(drafts)
    shown_ending, more_ending = _first(ending)
    if not shown_drafts and not shown_ending:
        return None
    return {
        "drafts": shown_drafts,
        "more_drafts": more_drafts,
        "ending": shown_ending,
        "more_ending": more_ending,
        "soon": soon,
    }


def deal_todos(request) -> list[Todo]:
    """The partner home's to-dos: the same deals the deals card names (drafts to
    submit, approved registrations whose protection ends soon), each linking to
    its page; nothing for roles that do not see deals."""
    context = deals_card(request)
    if context is None:
        return []
    todos = [
        Todo(
            _(
                "Report the deal with %(customer)s won or lost: its protection ends on "
                "%(day)s."
            )
            % {
                "customer": deal.customer_name,
                "day": formats.date_format(deal.protected_until, "DATE_FORMAT"),
            },
            reverse("deal-detail", args=[deal.pk]),
        )
        for deal in context["ending"]
    ]
    todos += [
        Todo(
            _("Submit your draft deal registration for %(customer)s.")
            % {"customer": deal.customer_name},
            reverse("deal-detail", args=[deal.pk]),
        )
        for deal in context["drafts"]
    ]
    return todos


def _first(queryset) -> tuple[list, int]:
    """The card's first few rows of `queryset`, and how many more there are."""
    rows = list(queryset[:CARD_ITEMS])
    more = queryset.count() - CARD_ITEMS if len(rows) == CARD_ITEMS else 0
    return rows, more
