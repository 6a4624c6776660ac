"""Who is calling: a hashed token (`Authorization: Token <key>`) or the portal session.

A token works while it is neither revoked nor expired, its user is active and, for a
partner user, while the partner's stage grants partner access (the access rule in
`partner_portal.partners.access`): suspending a partner ends its tokens at once.
"""

import binascii
import datetime
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from partner_portal.partners.access import audience_for

from .models import APIToken

# Stamp `last_used_at` at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def has_partner_access_or_is_staff(user) -> bool:
    """Staff, or a partner user whose partner currently grants partner access."""
    if not user.is_active:
        return False
    return user.is_staff or audience_for(user).is_partner


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        invalid = _("The token is invalid, expired or revoked.")
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed(invalid) from None
        # Revocation and expiry are checked on the row (`is_usable`): a simpler
        # query than filtering on them, on every request.
        candidates = APIToken.objects.filter(
            token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]
        )
        for api_token in candidates.select_related("user").order_by():
            if api_token.is_usable and compare_digest(digest, api_token.digest):
                return self.validate_user(api_token)
        raise exceptions.AuthenticationFailed(invalid)

    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This user account is disabled."))
        if not has_partner_access_or_is_staff(user):
            raise exceptions.AuthenticationFailed(
                _("This token's partner has no access to the API at the moment.")
            )
        now = timezone.now()
        if (
            auth_token.last_used_at is None
            or now - auth_token.last_used_at > LAST_USED_RESOLUTION
        ):
            APIToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
        return (user, auth_token)


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's own calls; CSRF is enforced on writes as usual."""
