"""What partner admins do for their own company in the portal: keep its profile and
manage its users. Every change is written to the partner's history, which staff read
in the admin."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from .models import Partner, PartnerMembership, Role, User
from .onboarding import onboarding_check
from .recruitment import invitation_send
from .services import partner_update

PROFILE_FORM_FIELDS = ("legal_name", "website", "phone", "address")


@transaction.atomic
def partner_profile_update(*, partner: Partner, by: User, **fields) -> Partner:
    unknown = set(fields) - set(PROFILE_FORM_FIELDS)
    if unknown:
        raise ValueError(f"Partners cannot change {sorted(unknown)}")
    changed = {k: v for k, v in fields.items() if getattr(partner, k) != v}
    partner = partner_update(partner=partner, by=by, **fields)
    if changed:
        log(
            instance=partner,
            action="cplms.partner.profile_updated",
            user=by,
            data={"fields": sorted(changed)},
        )
    onboarding_check(partner=partner, by=by)
    return partner


@transaction.atomic
def partner_user_invite(
    *,
    partner: Partner,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    language: str,
) -> PartnerMembership:
    """Create a partner user and email them a one-time set-password link."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("A user with the email address %(email)s already exists.")
                % {"email": email}
            }
        )
    user = User(
        username=email.lower(), email=email, first_name=first_name, last_name=last_name
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = PartnerMembership.objects.create(user=user, partner=partner, role=role)
    log(
        instance=partner,
        action="cplms.partner.user_invited",
        user=by,
        data={"email": email, "role": role},
    )
    transaction.on_commit(
        lambda: invitation_send(user=user, partner=partner, language=language)
    )
    return membership


def _other_active_admins(membership):
    return (
        PartnerMembership.objects.filter(
            partner=membership.partner, role=Role.ADMIN, user__is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def partner_user_change_role(
    *, membership: PartnerMembership, role: str, by: User
) -> PartnerMembership:
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _other_active_admins(membership):
        raise ValidationError(_("The company needs at least one active partner admin."))
    old_role, membership.role = membership.role, role
    membership.full_clean()
    membership.save(update_fields=["role"])
    log(
        instance=membership.partner,
        action="cplms.partner.user_role_changed",
        user=by,
        data={"email": membership.user.email, "from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def partner_user_set_active(
    *, membership: PartnerMembership, active: bool, by: User
) -> PartnerMembership:
    user = membership.user
    if user.is_active == active:
        return membership
    if not active:
        if user == by:
            raise ValidationError(_("You cannot deactivate your own account."))
        if membership.role == Role.ADMIN and not _other_active_admins(membership):
            raise ValidationError(
                _("The company needs at least one active partner admin.")
            )
    user.is_active = active
    user.save(update_fields=["is_active"])
    log(
        instance=membership.partner,
        action=(
            "cplms.partner.user_reactivated"
            if active
            else "cplms.partner.user_deactivated"
        ),
        user=by,
        data={"email": user.email},
    )
    return membership
