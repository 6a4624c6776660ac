"""Who is calling: a hashed token (`Authorization: Token <key>`) or the portal session.

A token works while it is neither revoked nor expired, its user is active and, for a
partner user, while the partner's stage grants partner access (the access rule in
`partner_portal.partners.access`): suspending a partner ends its tokens at once.
"""

import binascii
import datetime
import functools
from hmac import compare_digest

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from partner_portal.partners.access import audience_for
from partner_portal.partners.models import User

from .models import APIToken

# Stamp `last_used_at` at most this often, so reads do not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@functools.cache
def _permissions_sql() -> str:
    """ModelBackend's two permission queries as one statement, written once.

    Rows are ("user" or "group", "app_label.codename"). Plain SQL, because the ORM
    spends longer compiling these subqueries than the database spends running them.
    """
    qn = connection.ops.quote_name
    user_permissions = User._meta.get_field("user_permissions")
    user_groups = User._meta.get_field("groups")
    group_permissions = Group._meta.get_field("permissions")
    name = f"ct.{qn('app_label')} || '.' || p.{qn('codename')}"
    names = (
        f"FROM {qn(Permission._meta.db_table)} p "
        f"JOIN {qn(ContentType._meta.db_table)} ct "
        f"ON ct.{qn('id')} = p.{qn('content_type_id')} WHERE p.{qn('id')} IN"
    )
    # Only quoted names from model metadata go into the text; values are parameters.
    return (
        f"SELECT 'user', {name} {names} "  # noqa: S608
        f"(SELECT {qn(user_permissions.m2m_reverse_name())} "
        f"FROM {qn(user_permissions.m2m_db_table())} "
        f"WHERE {qn(user_permissions.m2m_column_name())} = %s) "
        f"UNION ALL SELECT 'group', {name} {names} "
        f"(SELECT gp.{qn(group_permissions.m2m_reverse_name())} "
        f"FROM {qn(group_permissions.m2m_db_table())} gp "
        f"JOIN {qn(user_groups.m2m_db_table())} ug "
        f"ON ug.{qn(user_groups.m2m_reverse_name())} "
        f"= gp.{qn(group_permissions.m2m_column_name())} "
        f"WHERE ug.{qn(user_groups.m2m_column_name())} = %s)"
    )


def _load_model_permissions(user) -> None:
    """Read a staff user's model permissions in one query instead of two.

    Scoping asks `user.has_perm()` on every call; ModelBackend would read the
    user's and the groups' permissions separately. This fills its per-request
    caches with the same sets, read now: nothing outlives the request, so a
    permission taken away counts at once. Superusers (every permission) and
    partner users (scoped by membership, not permissions) are left alone.
    """
    if not user.is_staff or user.is_superuser:
        return
    found = {"user": set(), "group": set()}
    with connection.cursor() as cursor:
        cursor.execute(_permissions_sql(), [user.pk, user.pk])
        for source, permission in cursor.fetchall():
            found[source].add(permission)
    user._user_perm_cache = found["user"]
    user._group_perm_cache = found["group"]


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
        _load_model_permissions(user)
        return (user, auth_token)


class PortalSessionAuthentication(SessionAuthentication):
    """The portal's own calls; CSRF is enforced on writes as usual."""
