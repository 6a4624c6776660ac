"""Partner user accounts that an import creates or changes.

A new account has an unusable password and is active: it cannot sign in until its
owner sets a password. The partner users import returns the accounts it created
(`ImportReport.created_objects`), which is where the invitation flow takes over.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Partner, PartnerMembership, User

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")
USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length


def partner_username_for(email: str) -> str:
    """A username for a new partner user: the email address, made unique."""
    base = _NOT_IN_USERNAME.sub("_", email.lower())[:USERNAME_MAX_LENGTH]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: USERNAME_MAX_LENGTH - len(suffix)] + suffix
    return candidate


@transaction.atomic
def partner_user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    partner: Partner,
    role: str,
    username: str | None = None,
) -> User:
    """Create an active partner user who has no password yet, and their membership."""
    user = User(
        username=username or partner_username_for(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=True,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = PartnerMembership(user=user, partner=partner, role=role)
    membership.full_clean()
    membership.save()
    return user


@transaction.atomic
def partner_user_update(
    *, user: User, fields: list[str], partner: Partner, role: str
) -> User:
    """Save the named account fields and give the user this partner and role.

    A user who already belongs to another partner is not moved.
    """
    if fields:
        user.full_clean()
        user.save(update_fields=fields)
    membership = PartnerMembership.objects.filter(user=user).first()
    if membership is None:
        membership = PartnerMembership(user=user, partner=partner, role=role)
    elif membership.partner_id != partner.pk:
        raise ValidationError(
            {
                "partner": _(
                    "This user already belongs to the partner “%(partner)s” "
                    "(%(external_id)s)."
                )
                % {
                    "partner": membership.partner.name,
                    "external_id": membership.partner.external_id,
                }
            }
        )
    elif membership.role == role:
        return user
    membership.role = role
    membership.full_clean()
    membership.save()
    return user
