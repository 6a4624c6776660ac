from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import register_setting

from .models import Holiday, WorkingCalendar

register_setting(WorkingCalendar, icon="time")


class HolidayViewSet(ModelViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("Holidays")
    add_to_settings_menu = True
    form_fields = ["date", "name", "name_zh"]
    list_display = ["date", "name", "name_zh"]
    search_fields = ["name", "name_zh"]


@hooks.register("register_admin_viewset")
def register_holiday_viewset():
    return HolidayViewSet("holidays")
