from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    """White-labelling: the vendor's name, logo and colour on the portal and in the
    Wagtail admin."""

    name = "partner_portal.branding"
    label = "branding"
    verbose_name = _("Branding")

    def seed_demo(self, *, stdout):
        """Load this app's part of the demo data set (see `manage.py seed_demo`)."""
        from .demo import seed_home_translation

        seed_home_translation(stdout=stdout)
