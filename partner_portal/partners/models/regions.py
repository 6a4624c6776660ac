"""Regions: a tree staff maintain (Greater China → 华东, 华南…) in both languages."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from ..wording import name_in_language
from .core import TranslatedName


class RegionQuerySet(models.QuerySet):
    def in_tree_order(self) -> list["Region"]:
        """Every region, each followed by its children (by sort order), with `level`
        set: 0 for a top-level region."""
        by_parent: dict[int | None, list[Region]] = {}
        for region in self.order_by("sort_order", "name"):
            by_parent.setdefault(region.parent_id, []).append(region)
        ordered: list[Region] = []

        def walk(parent_id, level):
            for region in by_parent.get(parent_id, []):
                region.level = level
                ordered.append(region)
                walk(region.pk, level + 1)

        walk(None, 0)
        return ordered

    def for_listing(self) -> "RegionQuerySet":
        """The regions in tree order with their `tree_level`, as a queryset (the
        admin listing pages and counts it): the order is worked out once here."""
        ordered = self.in_tree_order()
        if not ordered:
            return self

        def case(value_of):
            whens = [
                When(pk=region.pk, then=Value(value_of(region))) for region in ordered
            ]
            return Case(*whens, default=Value(0), output_field=models.IntegerField())

        positions = {region.pk: i for i, region in enumerate(ordered)}
        return self.annotate(
            tree_position=case(lambda region: positions[region.pk]),
            tree_level=case(lambda region: region.level),
        ).order_by("tree_position")

    def choices(self) -> list[tuple[str, str]]:
        """(code, name) pairs in tree order, names in the page's language, a child
        indented under its parent."""
        return [
            (region.code, "\u3000" * region.level + name_in_language(region))
            for region in self.in_tree_order()
        ]

    def codes_within(self, code: str) -> list[str]:
        """The codes of the region `code` and of every region below it, so that a
        filter on Greater China also finds 华东's partners."""
        children: dict[int | None, list[tuple[int, str]]] = {}
        start = None
        for pk, parent_id, region_code in self.values_list("pk", "parent_id", "code"):
            children.setdefault(parent_id, []).append((pk, region_code))
            if region_code == code:
                start = pk
        if start is None:
            return [code]
        codes, stack = [code], [start]
        while stack:
            for pk, region_code in children.get(stack.pop(), []):
                codes.append(region_code)
                stack.append(pk)
        return codes

    def grouping(self, under: str | None = None) -> "RegionGrouping":
        """How figures by region roll up one level below the region `under` (its
        children, and itself for its own records), or to the top-level regions."""
        regions = self.in_tree_order()
        by_pk = {region.pk: region for region in regions}
        groups: dict[str, Region] = {}
        for region in regions:
            path = [region]
            while path[-1].parent_id is not None:
                path.append(by_pk[path[-1].parent_id])
            path.reverse()
            if under is None:
                groups[region.code] = path[0]
                continue
            codes = [step.code for step in path]
            if under in codes:
                depth = codes.index(under)
                groups[region.code] = path[min(depth + 1, len(path) - 1)]
        return RegionGrouping(groups, [region.code for region in regions])

    def resolve(self, value: str) -> "Region | None":
        """The region a person wrote in a file: its code, English or Chinese name,
        in any letter case; None when nothing matches."""
        value = (value or "").strip()
        if not value:
            return None
        match = models.Q(code__iexact=value) | models.Q(name__iexact=value)
        return self.filter(match | models.Q(name_zh=value)).first()


class RegionGrouping:
    """Figures by region code rolled up to the regions of one level of the tree."""

    def __init__(self, groups: dict[str, "Region"], order: list[str]):
        self.groups = groups
        self.order = order

    def rolled_up(self, pairs) -> list[tuple[str, object]]:
        """(name, total) per group, in tree order, from (region code, value) pairs;
        a code outside the tree (a deleted region) is shown as itself."""
        totals: dict[str, object] = {}
        names: dict[str, str] = {}
        for code, value in pairs:
            group = self.groups.get(code)
            key = group.code if group else code
            names[key] = name_in_language(group) if group else code
            totals[key] = totals[key] + value if key in totals else value
        rank = {code: i for i, code in enumerate(self.order)}
        keys = sorted(totals, key=lambda key: rank.get(key, len(rank)))
        return [(names[key], totals[key]) for key in keys]


class Region(TranslatedName):
    """Where a partner, an application or a deal sells. Top-level regions are the
    four the product shipped with; staff add levels below them."""

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Stored on records and shown in the API and in exports."),
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return name_in_language(self)

    @property
    def indented_name(self) -> str:
        """The name in the page's language, indented by its depth in the tree."""
        return "\u3000" * getattr(self, "tree_level", 0) + name_in_language(self)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A region cannot sit below itself or its children.")}
                )
            ancestor = ancestor.parent
