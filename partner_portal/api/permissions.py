"""What a caller needs before any API view runs; objects are scoped in selectors."""

from django.utils.translation import gettext_lazy as _

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .authentication import has_partner_access_or_is_staff
from .models import APIToken


class ApiAccess(BasePermission):
    """An authenticated, active caller with partner access (or staff).

    A read-only token may only use safe methods. A signed-in partner user whose
    partner is suspended or terminated is refused (403); their tokens already fail
    authentication (401).
    """

    message = _("You do not have access to the API.")
    code = "no_api_access"

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not has_partner_access_or_is_staff(user):
            return False
        token = request.auth
        if (
            isinstance(token, APIToken)
            and token.read_only
            and request.method not in SAFE_METHODS
        ):
            self.message = _("This token is read-only; it cannot change anything.")
            self.code = "read_only_token"
            return False
        return True
