"""The certification-award import in the admin's Settings menu."""

from django.utils.translation import gettext_lazy

from partner_portal.imports.views import ImportViewSet

from .kinds import CERTIFICATION_AWARDS


class AwardImportViewSet(ImportViewSet):
    name = "learning_awards_import"
    url_prefix = "learning/import-awards"
    kind = CERTIFICATION_AWARDS
    menu_hook = "register_settings_menu_item"
    menu_label = gettext_lazy("Import certification awards")
    # Where Wagtail puts a settings menu item that names no order.
    menu_order = 1000
    listing_url_name = "learning_awards:index"
    listing_label = gettext_lazy("Certification awards")
