"""The partner's own company in the portal: profile, users, onboarding agreements."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import partner_with_access
from ..company import (
    PROFILE_FORM_FIELDS,
    partner_profile_update,
    partner_user_change_role,
    partner_user_invite,
    partner_user_set_active,
)
from ..models import OnboardingStep, Partner, PartnerMembership, Role
from ..onboarding import agreement_accept
from ..selectors import membership_for
from ..wording import family_name_first


def _membership(request, *, admin=False):
    """The user's membership of a partner with access; of an admin if asked."""
    if partner_with_access(request.user) is None:
        raise Http404
    membership = membership_for(request.user)
    if admin and membership.role != Role.ADMIN:
        raise PermissionDenied
    return membership


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = PROFILE_FORM_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    # Technical sees no partner-owned records (deals, statements, MDF): an invitation
    # grants more only when the admin chooses to.
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Role.choices, initial=Role.TECHNICAL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        family_name_first(self, "first_name", "last_name")


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request):
    membership = _membership(request)
    partner = membership.partner
    can_edit = membership.role == Role.ADMIN
    form = CompanyProfileForm(request.POST or None, instance=partner)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            partner_profile_update(
                partner=Partner.objects.get(pk=partner.pk),
                by=request.user,
                **{name: form.cleaned_data[name] for name in PROFILE_FORM_FIELDS},
            )
            messages.success(request, _("The company profile is saved."))
            return redirect("company-profile")
    return render(
        request,
        "portal/company/profile.html",
        {"form": form, "partner": partner, "can_edit": can_edit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_users(request):
    membership = _membership(request)
    is_admin = membership.role == Role.ADMIN
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                partner_user_invite(
                    partner=membership.partner,
                    by=request.user,
                    language=get_language(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("company-users")
    members = (
        PartnerMembership.objects.filter(partner=membership.partner)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    return render(
        request,
        "portal/company/users.html",
        {
            "members": members,
            "form": form,
            "is_admin": is_admin,
            "roles": Role.choices,
            "me": membership,
        },
    )


@login_required
@require_POST
def company_user_update(request, pk):
    membership = _membership(request, admin=True)
    member = get_object_or_404(
        PartnerMembership.objects.select_related("user", "partner"),
        pk=pk,
        partner=membership.partner,
    )
    try:
        if "role" in request.POST:
            if request.POST["role"] not in Role.values:
                raise ValidationError(_("Choose one of the roles offered."))
            partner_user_change_role(
                membership=member, role=request.POST["role"], by=request.user
            )
        elif "active" in request.POST:
            partner_user_set_active(
                membership=member,
                active=request.POST["active"] == "1",
                by=request.user,
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The account of %(email)s is updated.") % {"email": member.user.email},
        )
    return redirect("company-users")


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_agreement(request, step_pk):
    membership = _membership(request)
    step = get_object_or_404(
        OnboardingStep.objects.select_related("agreement"),
        pk=step_pk,
        kind=OnboardingStep.Kind.ACCEPT_AGREEMENT,
    )
    accepted = membership.partner.acceptances.filter(agreement=step.agreement).first()
    if request.method == "POST":
        if membership.role != Role.ADMIN:
            raise PermissionDenied
        agreement_accept(
            partner=membership.partner, agreement=step.agreement, by=request.user
        )
        messages.success(
            request,
            _("Thank you. %(title)s is accepted on behalf of %(partner)s.")
            % {"title": step.agreement, "partner": membership.partner},
        )
        return redirect("portal-home")
    return render(
        request,
        "portal/company/agreement.html",
        {
            "step": step,
            "agreement": step.agreement,
            "accepted": accepted,
            "can_accept": membership.role == Role.ADMIN,
        },
    )
