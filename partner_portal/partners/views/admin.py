"""Admin views beyond the generic model views: application review, sign-in lockouts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..forms import ApplicationDecisionForm
from ..lockout import LOCKOUT_PERMISSION, current_lockouts, lockout_release
from ..models import Application
from ..recruitment import application_approve, application_reject


class ApplicationReviewView(WagtailAdminTemplateMixin, FormView):
    """One application with its score breakdown and duplicate flags, to decide."""

    template_name = "partners/admin/application_review.html"
    form_class = ApplicationDecisionForm
    header_icon = "form"
    page_title = gettext_lazy("Review application")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("partners.change_application"):
            raise PermissionDenied
        self.application = get_object_or_404(
            Application.objects.prefetch_related("specialisations", "products"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.application.company_name

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("application:index"), "label": _("Applications")},
            {"url": "", "label": self.application.company_name},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.application, **kwargs)

    def form_valid(self, form):
        reason = form.cleaned_data["reason"]
        try:
            if "approve" in self.request.POST:
                partner = application_approve(
                    application=self.application, by=self.request.user, reason=reason
                )
                messages.success(
                    self.request,
                    _(
                        "%(name)s is approved: the partner is onboarding and its "
                        "admin has been invited."
                    )
                    % {"name": partner.name},
                )
            else:
                application_reject(
                    application=self.application, by=self.request.user, reason=reason
                )
                messages.success(
                    self.request,
                    _(
                        "The application from %(name)s is rejected; the applicant has "
                        "been told why."
                    )
                    % {"name": self.application.company_name},
                )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        return redirect("application:index")


class LockoutIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The sign-in lockouts in force, each with a button that lifts it."""

    template_name = "partners/admin/lockouts.html"
    header_icon = "lock"
    page_title = gettext_lazy("Sign-in lockouts")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(LOCKOUT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(lockouts=current_lockouts(), **kwargs)

    def post(self, request):
        # An empty field stands for a value django-axes could not tell (None).
        username = request.POST.get("username") or None
        ip_address = request.POST.get("ip_address") or None
        if ip_address is not None:
            try:
                validate_ipv46_address(ip_address)
            except ValidationError:
                return HttpResponseBadRequest()
        released = lockout_release(
            username=username, ip_address=ip_address, by=request.user
        )
        names = {"username": username or "—", "address": ip_address or "—"}
        if released:
            messages.success(
                request,
                _("%(username)s can sign in from %(address)s again.") % names,
            )
        else:
            messages.info(
                request,
                _("%(username)s was no longer locked out at %(address)s.") % names,
            )
        return redirect("partners_lockouts")
