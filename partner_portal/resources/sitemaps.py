"""The sitemap lists only what an anonymous visitor may see."""

from django.apps import apps
from django.contrib.sitemaps.views import sitemap as django_sitemap

from wagtail.contrib.sitemaps import Sitemap

from partner_portal.partners.access import ANONYMOUS
from partner_portal.partners.models import AccessControlled

from .models import AssetPage


def _hidden_page_ids():
    """Pages of every access-controlled page model that the public may not see."""
    from wagtail.models import Page

    hidden = []
    for model in apps.get_models():
        if issubclass(model, Page) and issubclass(model, AccessControlled):
            hidden.append(model.objects.exclude(ANONYMOUS.q()).values("pk"))
    hidden.append(
        AssetPage.objects.exclude(
            pk__in=AssetPage.objects.available().values("pk")
        ).values("pk")
    )
    return hidden


class PublicSitemap(Sitemap):
    def items(self):
        items = super().items()
        for ids in _hidden_page_ids():
            items = items.exclude(pk__in=ids)
        return items


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PublicSitemap(request)})
