from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partner_portal.client_address import client_address
from partner_portal.home_cards import NEWS, collect_todos, render_home_cards

from ..access import audience_for
from ..forms import ApplicationForm
from ..recruitment import (
    application_submit,
    client_key_for,
    current_program_terms,
    is_rate_limited,
)
from ..selectors import membership_for


def portal_home(request):
    """The partner home: a welcome for visitors; for users, what to do now (every
    app's to-dos), then the cards of their state, then the news."""
    audience = audience_for(request.user)
    membership = membership_for(request.user)
    if membership is not None and not membership.partner.grants_access:
        # Nothing of the partner's is open to them: say so, and whom to ask.
        return render(request, "portal/suspended.html", {"membership": membership})
    context = {"audience": audience}
    if request.user.is_authenticated:
        context["todos"] = collect_todos(request) if audience.is_partner else None
        context["cards"] = render_home_cards(request)
        context["news"] = render_home_cards(request, NEWS)
    return render(request, "portal/home.html", context)


@require_http_methods(["GET", "POST"])
def application_apply(request):
    """The public partner application: rate-limited per address, with a honeypot."""
    if request.method == "POST":
        client_key = client_key_for(client_address(request) or "")
        if is_rate_limited(client_key):
            return render(request, "portal/apply_limited.html", status=429)
        form = ApplicationForm(request.POST)
        if form.is_valid():
            if not form.is_spam:
                fields = {
                    name: value
                    for name, value in form.cleaned_data.items()
                    if name in form.Meta.fields
                    and name not in {"specialisations", "products"}
                }
                application_submit(
                    fields=fields,
                    specialisations=form.cleaned_data["specialisations"],
                    products=form.cleaned_data["products"],
                    client_key=client_key,
                    language=get_language(),
                )
            return redirect("application-thanks")
    else:
        form = ApplicationForm()
    return render(
        request, "portal/apply.html", {"form": form, "terms": current_program_terms()}
    )


def application_thanks(request):
    return render(request, "portal/apply_thanks.html")


class InvitationAcceptView(PasswordResetConfirmView):
    """The one-time link of an invitation: the new partner user chooses a password."""

    template_name = "registration/invitation_set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. You can sign in now."))
        return response
