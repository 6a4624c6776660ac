"""The access rule: one place that says who may see which content item.

Every content item carries an access level (public, any partner, minimum tier, staff);
a document that belongs to one partner's record (an MDF claim's proof, a ticket's
attachment) may instead be for its partner only, that partner's users and staff.
`audience_for(user)` computes what a user is allowed to see, from
`partner_with_access(user)` (the user's partner while it grants partner access);
`Audience.may_see(item)` answers for one item, `Audience.q()` for a queryset,
`Audience.es_filter()` inside an Elasticsearch query and `users_who_may_see(item)` for
the users an item is for. Page and file serving, listings, search, the API and exports
all ask these; no view decides on its own. Records that belong to a partner are scoped
by `partners.ownership`.
"""

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404

from wagtail.admin.panels import FieldPanel

from elasticsearch.dsl import Q as ES

from partner_portal.page_languages import page_in_user_language

from .models import AccessControlled, AccessLevel
from .selectors import membership_for


@dataclass(frozen=True)
class Audience:
    """What one user may see: staff see everything, partner users up to their tier
    and their own partner's files."""

    is_staff: bool = False
    tier_rank: int | None = None
    partner_id: int | None = None

    @property
    def is_partner(self):
        return self.tier_rank is not None

    def may_see_level(self, access_level, min_tier_rank=None, owner_partner_id=None):
        if self.is_staff:
            return True
        if access_level == AccessLevel.PUBLIC:
            return True
        if not self.is_partner:
            return False
        if access_level == AccessLevel.PARTNER:
            return True
        if access_level == AccessLevel.TIER:
            return min_tier_rank is not None and min_tier_rank <= self.tier_rank
        if access_level == AccessLevel.OWNER:
            return owner_partner_id is not None and owner_partner_id == self.partner_id
        return False

    def may_see(self, item):
        """May this audience see `item`, any object with the AccessControlled fields?"""
        min_tier = item.min_tier if item.access_level == AccessLevel.TIER else None
        return self.may_see_level(
            item.access_level,
            min_tier.rank if min_tier is not None else None,
            getattr(item, "owner_partner_id", None),
        )

    def visible_tier_ids(self):
        """Ids of the tiers whose "minimum tier" items this audience may see."""
        from .models import Tier

        if self.is_staff:
            return list(Tier.objects.values_list("pk", flat=True))
        if not self.is_partner:
            return []
        return list(
            Tier.objects.filter(rank__lte=self.tier_rank).values_list("pk", flat=True)
        )

    def es_filter(self):
        """The same rule as an Elasticsearch filter on documents that carry
        `access_level` and `min_tier_id` (None for staff: nothing is filtered).
        A partner's own files are never indexed, so no clause admits them."""
        if self.is_staff:
            return None
        visible = ES("term", access_level=AccessLevel.PUBLIC)
        if self.is_partner:
            visible |= ES("term", access_level=AccessLevel.PARTNER)
            visible |= ES(
                "bool",
                filter=[
                    ES("term", access_level=AccessLevel.TIER),
                    ES("terms", min_tier_id=self.visible_tier_ids()),
                ],
            )
        return visible

    def q(self, prefix=""):
        """The same rule as a filter on a queryset of AccessControlled rows. A
        partner's own files are listed only through the record they belong to."""
        if self.is_staff:
            return Q()
        visible = Q(**{f"{prefix}access_level": AccessLevel.PUBLIC})
        if self.is_partner:
            visible |= Q(**{f"{prefix}access_level": AccessLevel.PARTNER})
            visible |= Q(
                **{
                    f"{prefix}access_level": AccessLevel.TIER,
                    f"{prefix}min_tier__rank__lte": self.tier_rank,
                }
            )
        return visible


ANONYMOUS = Audience()
STAFF = Audience(is_staff=True)

_CACHE_ATTR = "_cplms_audience"


def _partner_audiences():
    """Every audience short of staff: anonymous visitors and a user at each tier."""
    from .models import Tier

    ranks = Tier.objects.values_list("rank", flat=True)
    return [ANONYMOUS, *(Audience(tier_rank=rank) for rank in ranks)]


def is_as_open_as(item, other):
    """Whether everyone who may see `other` may also see `item`."""
    return all(
        audience.may_see(item)
        for audience in _partner_audiences()
        if audience.may_see(other)
    )


def _openness(item):
    """Orders items from the most widely visible: public, any partner, each minimum
    tier by rank, one partner, staff only (which a minimum tier without a tier amounts
    to). Each one's audiences include those of every later one but a partner's own."""
    if item.access_level == AccessLevel.PUBLIC:
        return (0, 0)
    if item.access_level == AccessLevel.PARTNER:
        return (1, 0)
    if item.access_level == AccessLevel.TIER and item.min_tier is not None:
        return (2, item.min_tier.rank)
    if item.access_level == AccessLevel.OWNER:
        return (3, 0)
    return (4, 0)


def lowest_partner_audience():
    """What a user of a partner at the lowest tier may see (None without tiers): a
    visitor asked to sign in for what it sees learns nothing they would not as any
    partner."""
    from .models import Tier

    lowest = Tier.objects.order_by("rank").values_list("rank", flat=True).first()
    return None if lowest is None else Audience(tier_rank=lowest)


def strictest(*items):
    """An item the fewest may see: everyone who may see it may see all the others."""
    return max(items, key=_openness)


def users_who_may_see(item):
    """The partner users whose partner audience includes `item` right now.

    The same rule as `Audience.may_see`, as a query over users: active users of
    partners whose stage grants access, at a tier the item admits. Staff, who see
    everything, are not among them: this is who a policy or an announcement is for.
    """
    from .models import AUDIENCE_STAGES, User

    users = User.objects.filter(
        is_active=True,
        is_staff=False,
        membership__partner__stage__in=AUDIENCE_STAGES,
    )
    if item.access_level in (AccessLevel.PUBLIC, AccessLevel.PARTNER):
        return users
    if item.access_level == AccessLevel.TIER and item.min_tier is not None:
        return users.filter(membership__partner__tier__rank__gte=item.min_tier.rank)
    if item.access_level == AccessLevel.OWNER:
        return users.filter(membership__partner_id=item.owner_partner_id)
    return users.none()


def partner_with_access(user):
    """The partner of a partner user while it grants partner access, else None.

    Staff belong to no partner. Suspending or terminating a partner ends its users'
    partner access on their next request, here as in `audience_for`.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff:
        return None
    membership = membership_for(user)
    if membership is None or not membership.partner.grants_access:
        return None
    return membership.partner


def audience_for(user):
    """The audience of a user, computed afresh for each request's user object.

    Partner access is granted only while the partner's stage is onboarding, active or
    at risk, so suspending a partner ends its users' access on their next request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_staff:
        audience = STAFF
    else:
        partner = partner_with_access(user)
        audience = ANONYMOUS
        if partner is not None:
            audience = Audience(tier_rank=partner.tier.rank, partner_id=partner.pk)
    setattr(user, _CACHE_ATTR, audience)
    return audience


class AccessControlledPage(AccessControlled):
    """Mix into a Wagtail Page model, before Page: the access rule guards serving.

        class CoursePage(AccessControlledPage, Page): ...

    A page the request's audience may not see answers 404, revealing nothing, except
    to a visitor who is not signed in when every partner may see it: they are sent to
    sign in and brought back. A page above the lowest tier answers them 404 too, so
    that no one learns it exists. Listings filter with `Audience.q()` and search with
    the same audience. A page shown is shown in the user's language when it has a
    translation they may see (`page_languages`).
    """

    class Meta:
        abstract = True

    access_panels = [FieldPanel("access_level"), FieldPanel("min_tier")]

    def visible_to(self, audience):
        return audience.may_see(self)

    def serve(self, request, *args, **kwargs):
        if not self.visible_to(audience_for(request.user)):
            if not request.user.is_authenticated:
                every_partner = lowest_partner_audience()
                if every_partner is not None and self.visible_to(every_partner):
                    return redirect_to_login(request.get_full_path())
            raise Http404
        # A preview shows the editor the words they are editing.
        if not getattr(request, "is_preview", False):
            page_in_user_language(self, audience_for(request.user))
        return super().serve(request, *args, **kwargs)
