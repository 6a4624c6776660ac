"""The admin listings' filter on a region: a region takes in the regions below it."""

from django.utils.translation import gettext_lazy as _

import django_filters

from .models import Region
from .models.region_field import RegionChoiceField


class RegionTreeFilter(django_filters.ModelChoiceFilter):
    """A region chosen from the tree, indented, in the page's language; Greater
    China also finds the records of 华东 and 华南."""

    field_class = RegionChoiceField

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Region"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        within = Region.objects.codes_within(value.code)
        return qs.filter(**{f"{self.field_name}__in": within})
