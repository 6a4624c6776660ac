"""Working time in the vendor's calendar: weekdays, hours, time zone, holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

import pytest

from partner_portal.workdays.calendar import Calendar, add_business_days
from partner_portal.workdays.models import Holiday, WorkingCalendar

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0, zone=SHANGHAI):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=zone)


@pytest.fixture
def shanghai():
    """09:00 to 18:00 Monday to Friday in Shanghai; Monday 7 December is a holiday."""
    settings = WorkingCalendar.load()
    settings.time_zone = "Asia/Shanghai"
    settings.save()
    Holiday.objects.create(date=dt.date(2026, 12, 7), name="Company day")
    return Calendar.load()


def test_hours_outside_the_working_day_weekends_and_holidays_do_not_count(shanghai):
    # Friday 17:00 to Tuesday 10:00: one hour on Friday, one on Tuesday.
    assert shanghai.working_time(at(4, 17), at(8, 10)) == dt.timedelta(hours=2)
    assert shanghai.working_time(at(5, 8), at(6, 20)) == dt.timedelta()
    assert shanghai.working_time(at(8, 10), at(4, 17)) == dt.timedelta()


def test_hours_added_carry_over_to_the_next_working_day(shanghai):
    assert shanghai.add_hours(at(4, 17), 2) == at(8, 10)
    assert shanghai.add_hours(at(4, 20), 1) == at(8, 10)
    assert shanghai.add_hours(at(8, 7), 9) == at(8, 18)


def test_the_calendars_time_zone_decides_what_a_working_hour_is(shanghai):
    # 02:00 in Berlin on Tuesday is 09:00 in Shanghai: the day has just begun.
    berlin_two = dt.datetime(2026, 12, 8, 2, 0, tzinfo=ZoneInfo("Europe/Berlin"))

    assert shanghai.add_hours(berlin_two, 1) == at(8, 10)


def test_a_saturday_the_vendor_works_is_a_working_day():
    settings = WorkingCalendar.load()
    settings.saturday = True
    settings.save()
    calendar = Calendar.load()

    friday = dt.datetime(2026, 12, 4, 12, 0, tzinfo=calendar.zone)
    assert calendar.add_days(friday, 1).date() == dt.date(2026, 12, 5)
    assert add_business_days(friday, 2).date() == dt.date(2026, 12, 7)


def test_a_working_day_must_end_after_it_starts():
    settings = WorkingCalendar.load()
    settings.day_starts, settings.day_ends = dt.time(18), dt.time(9)

    with pytest.raises(ValidationError, match="end after it starts"):
        settings.full_clean()
