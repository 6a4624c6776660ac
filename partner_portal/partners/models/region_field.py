"""The field records use to name their region (kept apart from `regions` so that
`core`, which `regions` builds on, can use it)."""

from django import forms
from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.utils.translation import gettext_lazy as _

from ..wording import name_in_language


class _RegionOrCodeDescriptor(ForwardManyToOneDescriptor):
    def __set__(self, instance, value):
        if isinstance(value, str):
            setattr(instance, self.field.attname, value)
            return
        super().__set__(instance, value)


class _TreeOrder(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region in self.queryset.in_tree_order():
            yield self.choice(region)


class RegionChoiceField(forms.ModelChoiceField):
    """Regions in tree order, each indented below its parent, named in the page's
    language: every form that asks for a region (the application, the admin)."""

    iterator = _TreeOrder

    def label_from_instance(self, obj):
        return "\u3000" * getattr(obj, "level", 0) + name_in_language(obj)


class RegionField(models.ForeignKey):
    """A record's region: a foreign key to `Region.code` in the column the old
    four-code field used (so stored values stay valid), which also takes a code
    (`partner.region = "emea"`), because files, forms, fixtures and the API carry
    regions as codes."""

    forward_related_accessor_class = _RegionOrCodeDescriptor

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to", "partners.Region")
        kwargs.setdefault("to_field", "code")
        kwargs.setdefault("db_column", "region")
        kwargs.setdefault("on_delete", models.PROTECT)
        kwargs.setdefault("related_name", "+")
        kwargs.setdefault("verbose_name", _("region"))
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RegionChoiceField, **kwargs})
