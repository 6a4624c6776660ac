"""The vendor's working calendar: which weekdays and hours it works, in which time
zone, and the holidays it does not."""

import datetime as dt
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.settings.models import BaseGenericSetting

WEEKDAYS = (
    ("monday", _("Monday")),
    ("tuesday", _("Tuesday")),
    ("wednesday", _("Wednesday")),
    ("thursday", _("Thursday")),
    ("friday", _("Friday")),
    ("saturday", _("Saturday")),
    ("sunday", _("Sunday")),
)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _default_time_zone() -> str:
    return settings.TIME_ZONE


class WorkingCalendar(BaseGenericSetting):
    """When the vendor's staff work: business days count the working weekdays that
    are not holidays; business hours count the hours of those days."""

    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)
    day_starts = models.TimeField(_("working day starts"), default=dt.time(9, 0))
    day_ends = models.TimeField(_("working day ends"), default=dt.time(18, 0))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=_default_time_zone,
    )

    class Meta:
        verbose_name = _("working calendar")

    def clean(self):
        super().clean()
        if self.day_ends <= self.day_starts:
            raise ValidationError(
                {"day_ends": _("The working day must end after it starts.")}
            )
        if not self.working_weekdays:
            raise ValidationError(_("Choose at least one working day."))

    @property
    def working_weekdays(self) -> frozenset[int]:
        """Python's weekday numbers (Monday 0) of the working days."""
        return frozenset(
            number
            for number, (field, _label) in enumerate(WEEKDAYS)
            if getattr(self, field)
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Holiday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
