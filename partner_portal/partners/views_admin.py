"""Admin views beyond the generic model views: reviewing partner applications."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import ApplicationDecisionForm
from .models import Application
from .recruitment import application_approve, application_reject


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
