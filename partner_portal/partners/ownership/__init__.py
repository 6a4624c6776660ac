"""Who may see a record that belongs to a partner: one policy for every such model.

Sales lines, certification awards, enrolments, histories, and next statements, deals,
MDF claims, tickets and scorecards each belong to one partner. Whoever asks — an
admin listing or object view, an export, a report, the API — asks the model's
`PartnerOwnedPolicy`, and nothing else decides:

- a partner user sees their own partner's records while the partner grants partner
  access (the access rule: a suspended or terminated partner's users see nothing);
  with `owner_field`, only the roles in `roles_seeing_all` see the whole partner's
  records, other roles only their own; with `roles`, partner users of other roles
  see none of the model's records (statements are for partner admins and sales);
- a staff user needs the model's view permission and then sees the records of the
  partners they may see: program managers every partner, a channel account manager
  those assigned to them (`partners_visible_to`);
- anyone else sees nothing. A record outside the scope answers 404 wherever it is
  asked for, never 403, so its existence is not revealed.

Each app registers its models in `AppConfig.ready()` with `partner_owned.register()`.
`tests/partner_portal/partners/test_ownership.py` fails for any model with a foreign
key to Partner that is not registered, so a new app cannot forget.
"""

from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404

from ..access import partner_with_access
from ..models import Partner, Role
from ..permissions import partners_visible_to


class PartnerOwnedPolicy:
    """The scope of one model whose rows belong to a partner through `partner_field`."""

    def __init__(
        self,
        model: type[Model],
        *,
        partner_field: str = "partner",
        owner_field: str | None = None,
        roles_seeing_all: Iterable[str] = (Role.ADMIN,),
        roles: Iterable[str] | None = None,
    ) -> None:
        self.model = model
        self.partner_field = partner_field
        self.owner_field = owner_field
        self.roles_seeing_all = frozenset(roles_seeing_all)
        self.roles = None if roles is None else frozenset(roles)

    def __repr__(self) -> str:
        return f"PartnerOwnedPolicy({self.model._meta.label})"

    def permission(self, action: str) -> str:
        """The model permission staff need for `action`: "app_label.view_model"."""
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    def partners_for(self, user) -> QuerySet[Partner]:
        """The partners whose records of this model the user may see."""
        if not _is_signed_in(user):
            return Partner.objects.none()
        if user.is_staff:
            if not user.has_perm(self.permission("view")):
                return Partner.objects.none()
            return partners_visible_to(user)
        partner = self.partner_of(user)
        if partner is None:
            return Partner.objects.none()
        return Partner.objects.filter(pk=partner.pk)

    def visible_to(self, user, queryset: QuerySet | None = None) -> QuerySet:
        """The rows the user may see, of `queryset` or of all the model's rows."""
        if not (_is_signed_in(user) and user.is_staff):
            return self.in_scope(user, queryset)
        if not user.has_perm(self.permission("view")):
            return self._rows(queryset).none()
        return self.in_scope(user, queryset)

    def rows_of(self, user, partner: Partner) -> QuerySet:
        """The rows of one partner the user may see (a partner's 360 view)."""
        rows = self.model._default_manager.filter(**{self.partner_field: partner})
        return self.visible_to(user, rows)

    def in_scope(self, user, queryset: QuerySet | None = None) -> QuerySet:
        """The rows of the partners in the user's reach, whatever the model
        permissions: a Wagtail permission policy checks those per action first."""
        rows = self._rows(queryset)
        if not _is_signed_in(user):
            return rows.none()
        if user.is_staff:
            return rows.filter(
                **{f"{self.partner_field}__in": partners_visible_to(user)}
            )
        partner = self.partner_of(user)
        if partner is None:
            return rows.none()
        rows = rows.filter(**{self.partner_field: partner})
        if self.owner_field and user.membership.role not in self.roles_seeing_all:
            rows = rows.filter(**{self.owner_field: user})
        return rows

    def _role_sees(self, user) -> bool:
        return self.roles is None or user.membership.role in self.roles

    def partner_of(self, user) -> Partner | None:
        """The partner whose records of this model a partner user sees, or None
        (staff, a partner without access, a role that does not see the model);
        without a query once the request's user has its membership."""
        partner = partner_with_access(user)
        if partner is None or not self._role_sees(user):
            return None
        return partner

    def partner_or_404(self, user) -> Partner:
        """`partner_of(user)`, or a 404 for anyone it is None for: the portal's
        pages of the model answer a user without it as if they did not exist."""
        partner = self.partner_of(user)
        if partner is None:
            raise Http404
        return partner

    def may_see(self, user, instance: Model) -> bool:
        return self.visible_to(user).filter(pk=instance.pk).exists()

    def _rows(self, queryset: QuerySet | None) -> QuerySet:
        if queryset is None:
            return self.model._default_manager.all()
        if queryset.model is not self.model:
            raise ImproperlyConfigured(
                f"{self!r} cannot scope a queryset of {queryset.model._meta.label}."
            )
        return queryset


def _is_signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


class PartnerOwnedRegistry:
    """The policy of every model whose rows belong to a partner."""

    def __init__(self) -> None:
        self._policies: dict[type[Model], PartnerOwnedPolicy] = {}

    def register(self, model: type[Model], **options) -> PartnerOwnedPolicy:
        policy = PartnerOwnedPolicy(model, **options)
        self._policies[model] = policy
        return policy

    def policy_for(self, model: type[Model]) -> PartnerOwnedPolicy:
        try:
            return self._policies[model]
        except KeyError:
            raise ImproperlyConfigured(
                f"{model._meta.label} is not registered with partner_owned."
            ) from None

    def __contains__(self, model: type[Model]) -> bool:
        return model in self._policies

    def __iter__(self) -> Iterator[PartnerOwnedPolicy]:
        return iter(self._policies.values())


partner_owned = PartnerOwnedRegistry()
