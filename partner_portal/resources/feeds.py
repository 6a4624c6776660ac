"""An RSS feed of public announcements: feeds, like the sitemap, are public."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from partner_portal.partners.access import ANONYMOUS

from .selectors import visible_announcements


class PublicAnnouncementsFeed(Feed):
    title = _("Partner program announcements")
    description = _("Public announcements of the partner program.")
    link = "/"

    def items(self):
        return visible_announcements(audience=ANONYMOUS).order_by(
            "-first_published_at"
        )[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.full_url or "/"

    def item_pubdate(self, item):
        return item.first_published_at
