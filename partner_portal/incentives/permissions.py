"""Who may see and import sales.

Staff see the ledger by model permission (`incentives.view_salesrecord`), and only
the lines of the partners they may see (`partners_visible_to`): a channel account
manager their assigned partners, program managers and administrators all. Nobody
adds, edits or deletes a line by hand: only the import writes the ledger, so that
every change keeps its history. Importing needs `incentives.import_salesrecord`.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

from partner_portal.partners.ownership.admin import PartnerOwnedPermissionPolicy
from partner_portal.partners.permissions import partners_visible_to

from .selectors import sources_visible_to

# Actions nobody may take in the admin: the ledger changes through imports only.
WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class ReadOnlyModelPermissionPolicy(ModelPermissionPolicy):
    """Model permissions for reading; adding, changing and deleting are refused."""

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            self.instances_user_has_permission_for(user, action)
            .filter(pk=instance.pk)
            .exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )


class SalesRecordPermissionPolicy(PartnerOwnedPermissionPolicy):
    def __init__(self, model):
        super().__init__(model, refused_actions=WRITE_ACTIONS)

    def user_may_import(self, user):
        return self.user_has_permission(user, "import")

    def importable_partners(self, user):
        """The partners whose sales this user may import."""
        return partners_visible_to(user)


class SalesSourcePermissionPolicy(ReadOnlyModelPermissionPolicy):
    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model.objects.none()
        return sources_visible_to(user)
