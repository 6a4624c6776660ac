"""Who may see and change which partners.

Program managers and administrators hold the model permissions, so reach all partners.
A channel account manager holds no model permission on partners: django-guardian object
permissions (direct foreign-key tables) give them the partners assigned to them, and
nothing else, in the admin, exports and the API alike.
"""

from wagtail.permission_policies.base import ModelPermissionPolicy

from guardian.shortcuts import get_objects_for_user

from .models import Partner, PartnerUserObjectPermission


class PartnerPermissionPolicy(ModelPermissionPolicy):
    def _codename(self, action):
        return f"{action}_{self.model_name}"

    def _holds_model_permission(self, user, action):
        return super().user_has_permission(user, action)

    def user_has_permission(self, user, action):
        if self._holds_model_permission(user, action):
            return True
        return (
            user.is_active
            and PartnerUserObjectPermission.objects.filter(
                user=user, permission__codename=self._codename(action)
            ).exists()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self._holds_model_permission(user, action) or user.has_perm(
            f"{self.app_label}.{self._codename(action)}", instance
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not user.is_active:
            return self.model.objects.none()
        if any(self._holds_model_permission(user, action) for action in actions):
            return self.model.objects.all()
        return get_objects_for_user(
            user,
            [f"{self.app_label}.{self._codename(action)}" for action in actions],
            klass=self.model,
            any_perm=True,
            with_superuser=False,
            accept_global_perms=False,
        )


partner_permission_policy = PartnerPermissionPolicy(Partner)


def partners_visible_to(user):
    """The partners a staff user may see: all, or those assigned to them."""
    return partner_permission_policy.instances_user_has_any_permission_for(
        user, ["view", "change"]
    )
