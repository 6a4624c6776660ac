"""Who an email goes to, and in which language they read it.

Every app's emails ask here: the staff who may act on a partner's record (a model
permission and the partner within their reach: a channel account manager's own
partners, a program manager's every partner), and each user's language (the one
they chose in their profile, the site's default when they chose none).
"""

from django.conf import settings

from wagtail.users.models import UserProfile

from .models import Partner, User
from .permissions import partners_visible_to

# ModelBackend answers which users hold a model permission (guardian only has
# object permissions, and Django asks one backend).
PERMISSION_BACKEND = "partner_portal.partners.backends.OneQueryModelBackend"


def staff_who_may(permission: str, partner: Partner) -> list[User]:
    """Active staff with an email address, holding `permission` ("app.codename"),
    who may see `partner`."""
    holders = User.objects.with_perm(permission, backend=PERMISSION_BACKEND)
    return staff_reaching(holders, partner)


def staff_reaching(users, partner: Partner) -> list[User]:
    """The active staff among `users`, with an email address, who may see `partner`
    (so a group's email never reaches an account manager of other partners)."""
    staff = users.filter(is_staff=True, is_active=True).exclude(email="").order_by("pk")
    return [
        user
        for user in staff
        if partners_visible_to(user).filter(pk=partner.pk).exists()
    ]


def preferred_languages(users) -> dict[int, str]:
    """{user id: language code} for `users`."""
    chosen = dict(
        UserProfile.objects.filter(user__in=users)
        .exclude(preferred_language="")
        .values_list("user_id", "preferred_language")
    )
    return {user.pk: chosen.get(user.pk, settings.LANGUAGE_CODE) for user in users}
