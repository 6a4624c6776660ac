"""The admin's "Marketing funds" menu: allocations (and their import), requests and
claims, and how MDF steps read in the records' histories. Imported by
wagtail_hooks.py, which Wagtail loads."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.log_actions import LogFormatter

from partner_portal.imports.views import ImportViewSet

from .mdf_imports import FUND_ALLOCATIONS
from .mdf_viewsets import FundAllocationViewSet, FundClaimViewSet, FundRequestViewSet

MDF_MENU_HOOK = "register_mdf_menu_item"


class AllocationImportViewSet(ImportViewSet):
    name = "mdf_allocation_import"
    url_prefix = "mdf/import-allocations"
    kind = FUND_ALLOCATIONS
    menu_hook = MDF_MENU_HOOK
    menu_label = gettext_lazy("Import allocations")
    menu_order = 900
    listing_url_name = "mdf_allocations:index"
    listing_label = gettext_lazy("Allocations")


class MdfGroup(ViewSetGroup):
    menu_label = gettext_lazy("Marketing funds")
    menu_icon = "tasks"
    menu_order = 225
    submenu_hook = MDF_MENU_HOOK
    items = (FundRequestViewSet, FundClaimViewSet, FundAllocationViewSet)


@hooks.register("register_admin_viewset")
def register_mdf_viewsets():
    return [MdfGroup(), AllocationImportViewSet()]


@hooks.register("register_log_actions")
def register_mdf_log_actions(actions):
    """Each MDF step as the record's history shows it."""

    @actions.register_action("cplms.mdf.allocation_set")
    class AllocationSet(LogFormatter):
        label = gettext_lazy("Set MDF allocation")

        def format_message(self, log_entry):
            data = log_entry.data
            if data.get("from") is None:
                return _("Allocated %(to)s %(currency)s for %(period)s") % data
            return (
                _(
                    "Allocation for %(period)s changed from %(from)s to %(to)s "
                    "%(currency)s"
                )
                % data
            )

    @actions.register_action("cplms.mdf.request_submitted")
    class RequestSubmitted(LogFormatter):
        label = gettext_lazy("Request MDF")

        def format_message(self, log_entry):
            return _("Requested %(planned_cost)s %(currency)s") % log_entry.data

    @actions.register_action("cplms.mdf.request_decided")
    class RequestDecided(LogFormatter):
        label = gettext_lazy("Decide MDF request")

        def format_message(self, log_entry):
            data = log_entry.data
            if data.get("status") == "approved":
                return _("Approved %(amount)s") % data
            return _("Rejected: %(reason)s") % data

    @actions.register_action("cplms.mdf.claim_submitted")
    class ClaimSubmitted(LogFormatter):
        label = gettext_lazy("Claim MDF")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Claimed an actual cost of %(cost)s with %(files)s") % {
                "cost": data.get("actual_cost"),
                "files": ", ".join(data.get("files", [])),
            }

    @actions.register_action("cplms.mdf.claim_decided")
    class ClaimDecided(LogFormatter):
        label = gettext_lazy("Decide MDF claim")

        def format_message(self, log_entry):
            data = log_entry.data
            if data.get("status") == "approved":
                return _("Approved %(amount)s") % data
            return _("Rejected: %(reason)s") % data

    @actions.register_action("cplms.mdf.claim_paid")
    class ClaimPaid(LogFormatter):
        label = gettext_lazy("Pay MDF claim")

        def format_message(self, log_entry):
            return _("Paid %(amount)s, reference %(reference)s") % log_entry.data

    @actions.register_action("cplms.mdf.funds_expired")
    class FundsExpired(LogFormatter):
        label = gettext_lazy("Expire MDF funds")

        def format_message(self, log_entry):
            return _("%(amount)s expired unclaimed") % log_entry.data
