"""The partner-owned record policy in the Wagtail admin: listings, objects, exports.

`PartnerOwnedPermissionPolicy` answers Wagtail's permission questions with the
model permissions per action and then the scope of the model's `PartnerOwnedPolicy`;
`PartnerScopedViewSet` lists only the rows in scope (and exports the same list) and
answers 404 for any other row's inspect, edit, delete, history and usage pages.
"""

from django.http import Http404
from django.utils.functional import cached_property

from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from partner_portal.tabular.export import SafeExportMixin

from . import partner_owned


class PartnerOwnedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions for each action, limited to the rows in the user's scope.

    `refused_actions` are refused to everyone, superusers too: a ledger that only
    imports write refuses "add", "change" and "delete".
    """

    def __init__(self, model, *, refused_actions=(), **kwargs):
        super().__init__(model, **kwargs)
        self.refused_actions = frozenset(refused_actions)

    @cached_property
    def ownership(self):
        return partner_owned.policy_for(self.model)

    def user_has_permission(self, user, action):
        if action in self.refused_actions:
            return False
        return super().user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model._default_manager.none()
        return self.ownership.in_scope(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self.ownership.in_scope(user).filter(pk=instance.pk).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )


class ScopedObjectMixin:
    """A row outside the user's scope answers 404, as if it did not exist."""

    def get_object(self, *args, **kwargs):
        item = super().get_object(*args, **kwargs)
        visible = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )
        if not visible.filter(pk=item.pk).exists():
            raise Http404
        return item


class ScopedIndexView(SafeExportMixin, generic.IndexView):
    """Lists (and exports, formula-safe) only the rows in the user's scope."""

    list_select_related = ()

    def get_base_queryset(self):
        rows = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )
        return rows.select_related(*self.list_select_related)


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass


class PartnerScopedViewSet(ModelViewSet):
    """A model viewset whose every view keeps to the scope of the model's registered
    permission policy: a `PartnerOwnedPermissionPolicy` for a partner-owned model,
    `PartnerPermissionPolicy` for partners themselves (registered with
    `wagtail.permissions.register_permission_policy`)."""

    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
