"""A partner's 360 view: the admin's inspect page of a partner."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from wagtail.admin.views.generic.models import InspectView

from ..profile import partner_profile


class Partner360View(InspectView):
    """The partner's header, people, tier, stage, onboarding and history in one
    page, in place of the generic field list (which showed internal keys). A
    partner outside the user's scope answers 404, as the other partner views do."""

    template_name = "partners/admin/partner_360.html"

    def get_object(self, queryset=None):
        visible = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )
        return get_object_or_404(
            visible.select_related("tier", "region", "account_manager"), pk=self.pk
        )

    def get_fields(self):
        return []

    def get_context_data(self, **kwargs):
        user = self.request.user
        may_change = self.permission_policy.user_has_permission_for_instance(
            user, "change", self.object
        )
        return super().get_context_data(
            profile=partner_profile(user=user, partner=self.object),
            # The stage (with its reason) and the account manager are changed on
            # the partner's edit form, which records both in the partner's history.
            edit_url=reverse("partner:edit", args=[self.object.pk])
            if may_change
            else "",
            history_url=reverse("partner:history", args=[self.object.pk]),
            **kwargs,
        )
