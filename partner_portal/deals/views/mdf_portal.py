"""The partner's market development funds in the portal, under /mdf/.

Partner admins and marketing users of a partner with access see their balances at
the top of every page, request funds from an allocation whose period is running,
follow each request's decision, and claim an approved activity's cost with proof of
performance (the partner-owned policy of `FundRequest`); everyone else, and any
request of another partner, answers 404. Proof files are downloaded through the
checked document view, which only the partner's users and staff pass.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partner_portal.partners.models import Partner
from partner_portal.partners.ownership import partner_owned
from partner_portal.request_limits import upload_limit

from ..mdf_forms import FundClaimForm, FundRequestForm
from ..mdf_selectors import (
    awaiting_claim,
    balances,
    claim_deadline,
    currency_totals,
    open_allocations,
)
from ..models import ClaimProof, DealSettings, FundAllocation, FundClaim, FundRequest
from ..services.mdf import claim_refusal, fund_claim_submit, fund_request_submit

PAGE_SIZE = 25
CARD_ITEMS = 5


def _partner(request) -> Partner:
    return partner_owned.policy_for(FundRequest).partner_or_404(request.user)


def _allocations(request):
    return partner_owned.policy_for(FundAllocation).visible_to(request.user)


def _requests(request):
    claims = FundClaim.objects.order_by("-submitted_at", "-pk")
    return (
        partner_owned.policy_for(FundRequest)
        .visible_to(request.user)
        .select_related("allocation")
        .prefetch_related(Prefetch("claims", queryset=claims))
    )


def _request(request, pk) -> FundRequest:
    _partner(request)
    return get_object_or_404(_requests(request), pk=pk)


def _open_balances(request, today):
    return balances(open_allocations(_allocations(request), today))


def _page_context(request, today) -> dict:
    """What every MDF page shows at the top: the running allocations' balances,
    per currency."""
    return {"totals": currency_totals(open_allocations(_allocations(request), today))}


@login_required
@require_GET
def mdf_home(request):
    partner = _partner(request)
    today = timezone.localdate()
    listed = _requests(request).order_by("-submitted_at", "-pk")
    return render(
        request,
        "portal/mdf/home.html",
        {
            **_page_context(request, today),
            "partner": partner,
            "allocations": balances(_allocations(request)),
            "grace_days": DealSettings.load().mdf_grace_days,
            "may_request": open_allocations(_allocations(request), today).exists(),
            "due": awaiting_claim(_requests(request), today)[:CARD_ITEMS],
            "page": Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mdf_request_new(request):
    _partner(request)
    today = timezone.localdate()
    choices = _open_balances(request, today)
    form = FundRequestForm(request.POST or None, balances=choices)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            created = fund_request_submit(
                allocation=fields.pop("allocation"), by=request.user, **fields
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent. The vendor's channel team will decide it; "
                    "you will hear by email."
                ),
            )
            return redirect("mdf-request", created.pk)
    return render(
        request,
        "portal/mdf/request_form.html",
        {**_page_context(request, today), "form": form, "choices": choices},
        status=400 if form.errors else 200,
    )


def _detail(request, funds: FundRequest, claim_form=None, status=200):
    today = timezone.localdate()
    refusal = claim_refusal(funds, today)
    claims = funds.claims.order_by("-submitted_at", "-pk").prefetch_related(
        Prefetch("proofs", queryset=ClaimProof.objects.select_related("document"))
    )
    claimed = any(claim.status != FundClaim.Status.REJECTED for claim in claims)
    return render(
        request,
        "portal/mdf/request.html",
        {
            **_page_context(request, today),
            "funds": funds,
            "claims": claims,
            "claim_by": claim_deadline(funds.allocation),
            "may_claim": refusal is None,
            "claimed": claimed,
            # Why it cannot be claimed, unless a claim is under way or done.
            "claim_notice": None if claimed else refusal,
            "claim_form": claim_form or FundClaimForm(),
        },
        status=status,
    )


@login_required
@require_GET
def mdf_request_detail(request, pk):
    return _detail(request, _request(request, pk))


@upload_limit("MDF_CLAIM_UPLOAD_MAX_BYTES")
@login_required
@require_POST
def mdf_claim_new(request, pk):
    funds = _request(request, pk)
    form = FundClaimForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fund_claim_submit(
                request=funds,
                by=request.user,
                actual_cost=data["actual_cost"],
                leads=data["leads"],
                attendees=data["attendees"],
                results=data["results"],
                files=data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your claim is sent with its proof. The vendor's channel team "
                    "will check it; you will hear by email."
                ),
            )
            return redirect("mdf-request", funds.pk)
    return _detail(request, funds, claim_form=form, status=400)


def mdf_card(request):
    """Context of the partner home's MDF card: what remains of the running
    allocations and the approved activities to claim before their funds expire;
    hidden from other roles and from partners without an allocation."""
    if partner_owned.policy_for(FundRequest).partner_of(request.user) is None:
        return None
    today = timezone.localdate()
    totals = currency_totals(open_allocations(_allocations(request), today))
    due = awaiting_claim(_requests(request), today)[:CARD_ITEMS]
    if not totals and not due:
        return None
    return {"totals": totals, "due": due}
