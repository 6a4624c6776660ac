from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The vendor's working calendar: holidays staff maintain, and counting in
    business days (a deal decision's due date) without knowing any domain."""

    name = "partner_portal.workdays"
    label = "workdays"
    verbose_name = _("Working calendar")
