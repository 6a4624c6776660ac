"""Django's ModelBackend, reading a user's model permissions in one query.

Scoping (the API, the admin's account-manager views) asks `user.has_perm()` on every
request, and ModelBackend reads the user's own and their groups' permissions with
two queries. This backend reads both sets in one and hands them to ModelBackend's
own per-user-object caches, so nothing outlives the request: a permission taken
away counts on the next one. For the same reason it reads the signed-in user with
their membership, partner and tier, which every portal page asks for.
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from .models import User


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


class OneQueryModelBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user, with the membership, partner and tier that the access
        rule, the menus and the home cards read (`selectors.membership_for`), in the
        user's own query; a staff user's missing membership is known as well."""
        try:
            user = User._default_manager.select_related(
                "membership__partner__tier"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        # Superusers hold every permission and ModelBackend answers them itself.
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
        ):
            found = {"user": set(), "group": set()}
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                for source, permission in cursor.fetchall():
                    found[source].add(permission)
            user_obj._user_perm_cache = found["user"]
            user_obj._group_perm_cache = found["group"]
        return super().get_all_permissions(user_obj, obj)
