"""Reads of the content hub. Every list is filtered by `Audience.q()` in the query."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from partner_portal.home_cards import Todo
from partner_portal.page_languages import in_user_language, sources
from partner_portal.partners.access import Audience, audience_for, users_who_may_see
from partner_portal.partners.models import PartnerMembership, Product
from partner_portal.partners.ownership import partner_owned

from .models import (
    AnnouncementPage,
    AnnouncementRead,
    AssetLanguage,
    AssetPage,
    AssetTag,
    AssetType,
    DownloadEvent,
    PolicyAcknowledgement,
    PolicyPage,
)

PAGE_SIZE = 12
# Announcements and policies a card on the partner home names.
CARD_ITEMS = 5
SORTS = {
    "newest": _("Newest"),
    "downloads": _("Most downloaded"),
    "title": _("Title"),
}
FACETS = ("type", "product", "language", "tag")


def visible_assets(*, audience: Audience, library=None, at=None):
    """Live, current assets the audience may see, optionally below one library."""
    assets = sources(AssetPage.objects.live().available(at).filter(audience.q()))
    if library is not None:
        assets = assets.child_of(library)
    return assets


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetValue]
    selected: str


FACET_LABELS = {
    "type": _("Asset type"),
    "product": _("Product"),
    "language": _("Language"),
    "tag": _("Tag"),
}


class CountedPaginator(Paginator):
    """A paginator told how many items it pages, which the caller counted already,
    instead of counting them with a query of its own."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


@dataclass
class Browse:
    page: object
    facets: list[FacetGroup]
    sort: str
    sorts: dict
    total: int
    selected: dict
    query_string: str


def _selected(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in FACETS}


def _apply(assets, selected):
    if selected["type"]:
        assets = assets.filter(asset_type=selected["type"])
    if selected["product"].isdigit():
        assets = assets.filter(products__id=int(selected["product"]))
    if selected["language"]:
        assets = assets.filter(language=selected["language"])
    if selected["tag"]:
        assets = assets.filter(tags__slug=selected["tag"])
    return assets


def _facets(assets, selected) -> tuple[dict[str, list[FacetValue]], int]:
    """Counts of each facet value among the filtered, visible assets, and how many
    assets that is. An asset has one type and one language, so one count per pair
    gives both facets and, summed, the total."""
    ids = assets.values("pk")
    types = dict(AssetType.choices)
    languages = dict(AssetLanguage.choices)
    type_counts, language_counts = Counter(), Counter()
    for row in (
        AssetPage.objects.filter(pk__in=ids)
        .values("asset_type", "language")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        type_counts[row["asset_type"]] += row["n"]
        language_counts[row["language"]] += row["n"]
    facets = {
        "type": [
            FacetValue(value, types.get(value, value), n, value == selected["type"])
            for value, n in sorted(type_counts.items())
        ],
        "language": [
            FacetValue(
                value, languages.get(value, value), n, value == selected["language"]
            )
            for value, n in sorted(language_counts.items())
        ],
    }
    products = (
        Product.objects.filter(assetpage__in=ids)
        .annotate(n=Count("assetpage", distinct=True))
        .order_by("name")
    )
    facets["product"] = [
        FacetValue(str(p.pk), str(p), p.n, str(p.pk) == selected["product"])
        for p in products
    ]
    tags = (
        AssetTag.objects.filter(content_object__in=ids)
        .values("tag__slug", "tag__name")
        .annotate(n=Count("content_object", distinct=True))
        .order_by("tag__name")
    )
    facets["tag"] = [
        FacetValue(
            t["tag__slug"], t["tag__name"], t["n"], t["tag__slug"] == selected["tag"]
        )
        for t in tags
    ]
    return facets, type_counts.total()


def library_browse(*, library, request) -> Browse:
    """The library page: filtered, counted, sorted and paginated for the user."""
    audience = audience_for(request.user)
    selected = _selected(request)
    assets = _apply(visible_assets(audience=audience, library=library), selected)
    sort = request.GET.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    listing = assets.with_published_date().annotate(
        download_total=Count("downloads", distinct=True)
    )
    if sort == "downloads":
        listing = listing.order_by("-download_total", "-published_on", "pk")
    elif sort == "title":
        listing = listing.order_by("title", "pk")
    else:
        listing = listing.order_by("-published_on", "pk")
    listing = listing.select_related("thumbnail").distinct()
    facets, total = _facets(assets, selected)
    paginator = CountedPaginator(listing, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = in_user_language(page.object_list, audience)
    query = request.GET.copy()
    query.pop("page", None)
    return Browse(
        page=page,
        facets=[
            FacetGroup(name, FACET_LABELS[name], values, selected[name])
            for name, values in facets.items()
        ],
        sort=sort,
        sorts=SORTS,
        total=total,
        selected=selected,
        query_string=query.urlencode(),
    )


def visible_announcements(*, audience: Audience):
    return sources(AnnouncementPage.objects.live().filter(audience.q()))


def announcements_read(user):
    """The announcements the user may see, each marked `is_read` when they opened it,
    the latest first."""
    return (
        visible_announcements(audience=audience_for(user))
        .annotate(is_read=Exists(_read_by(user)))
        .order_by("-first_published_at")
    )


def _read_by(user):
    return AnnouncementRead.objects.filter(user=user, announcement=OuterRef("pk"))


def announcements_card(request) -> dict:
    """The partner home card: how many announcements the user may see and has not
    opened, and the latest few; an empty state when there are none."""
    user = request.user
    return {
        "announcements": in_user_language(
            announcements_read(user)[:CARD_ITEMS], audience_for(user)
        ),
        "unread": visible_announcements(audience=audience_for(user))
        .exclude(Exists(_read_by(user)))
        .count(),
    }


def pending_policies(user):
    """Policies whose current version the partner user has yet to acknowledge."""
    audience = audience_for(user)
    if not audience.is_partner or audience.is_staff:
        return PolicyPage.objects.none()
    return (
        sources(PolicyPage.objects.live())
        .filter(audience.q(), requires_acknowledgement=True)
        .exclude(
            Exists(
                PolicyAcknowledgement.objects.filter(
                    user=user,
                    policy=OuterRef("pk"),
                    revision=OuterRef("live_revision"),
                )
            )
        )
        .order_by("title")
    )


def policies_card(request) -> dict | None:
    """The partner home card: how many policies the partner user has yet to
    acknowledge, and the first few; an empty state when there are none."""
    if not audience_for(request.user).is_partner:
        return None
    policies = in_user_language(
        pending_policies(request.user).only("title", "url_path", "translation_key"),
        audience_for(request.user),
    )
    return {"policies": policies[:CARD_ITEMS], "count": len(policies)}


def policy_audience_users(policy: PolicyPage, *, viewer):
    """The partner users the policy is for right now, of the partners `viewer` may
    see (an account manager: their own partners' users)."""
    memberships = partner_owned.policy_for(PartnerMembership).in_scope(viewer)
    return users_who_may_see(policy).filter(membership__in=memberships)


def policy_coverage(policy: PolicyPage, *, viewer) -> list[dict]:
    """For each published version: how many of the current audience acknowledged."""
    audience = policy_audience_users(policy, viewer=viewer)
    size = audience.count()
    versions = (
        policy.revisions.filter(
            pk__in=PolicyAcknowledgement.objects.filter(policy=policy).values(
                "revision"
            )
        )
        | policy.revisions.filter(pk=policy.live_revision_id)
    ).order_by("-created_at")
    coverage = []
    for revision in versions.distinct():
        acknowledged = (
            PolicyAcknowledgement.objects.filter(revision=revision)
            .filter(user__in=audience)
            .count()
        )
        coverage.append(
            {
                "revision": revision,
                "is_current": revision.pk == policy.live_revision_id,
                "acknowledged": acknowledged,
                "audience": size,
                "missing": size - acknowledged,
            }
        )
    return coverage


def policy_missing_users(policy: PolicyPage, *, viewer):
    """Users in the audience who have not acknowledged the current version."""
    return (
        policy_audience_users(policy, viewer=viewer)
        .exclude(
            Exists(
                PolicyAcknowledgement.objects.filter(
                    user=OuterRef("pk"), revision_id=policy.live_revision_id
                )
            )
        )
        .select_related("membership__partner")
        .order_by("membership__partner__name", "username")
    )


def downloads_by_partner(partners, start, end) -> dict[int, int]:
    """{partner id: downloads} by the users of `partners` (a queryset) from the
    moment `start` to just before `end`; one aggregate."""
    rows = (
        DownloadEvent.objects.filter(
            partner__in=partners, downloaded_at__gte=start, downloaded_at__lt=end
        )
        .order_by()
        .values("partner_id")
        .annotate(count=Count("pk"))
    )
    return {row["partner_id"]: row["count"] for row in rows}


def _downloaded_in(downloads, first, last):
    return downloads.filter(downloaded_at__date__range=(first, last)).order_by()


def download_totals(downloads, first, last) -> dict[str, int]:
    """{"downloads", "users", "assets"} of `downloads` (scoped) from the local day
    `first` to `last`, both included: how many, by how many users, of how many
    assets; one aggregate."""
    return _downloaded_in(downloads, first, last).aggregate(
        downloads=Count("pk"),
        users=Count("user", distinct=True),
        assets=Count("asset", distinct=True),
    )


def top_assets(downloads, first, last, limit: int) -> list[dict]:
    """[{"asset", "title", "asset_type", "language", "downloads", "users"}]: the
    `limit` assets most downloaded among `downloads` (scoped) from the local day
    `first` to `last`, the most first; one aggregate. A document downloaded
    outside an asset page counts in `download_totals` only."""
    return list(
        _downloaded_in(downloads, first, last)
        .filter(asset__isnull=False)
        .values(
            "asset",
            title=F("asset__title"),
            asset_type=F("asset__asset_type"),
            language=F("asset__language"),
        )
        .annotate(downloads=Count("pk"), users=Count("user", distinct=True))
        .order_by("-downloads", "title", "asset")[:limit]
    )


def policy_todos(request) -> list[Todo]:
    """The partner home's to-dos: each policy whose current version the user has
    yet to acknowledge, linking to the policy page where they acknowledge it."""
    return [
        Todo(
            _("Read and acknowledge the policy “%(title)s”.") % {"title": policy.title},
            policy.get_url(request),
        )
        for policy in in_user_language(
            pending_policies(request.user), audience_for(request.user)
        )
    ]
