"""How the portal's support pages word a ticket."""

from django import template
from django.utils.translation import gettext as _

from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.wording import name_in_language

from ..models import Ticket

register = template.Library()


@register.filter
def sees_support(user):
    """Whether the portal shows this user support (every role of a partner with
    access); no query."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return partner_owned.policy_for(Ticket).partner_of(user) is not None


@register.filter
def in_language(item):
    """A category's or product's name in the page's language."""
    return name_in_language(item)


@register.filter
def written_by(author, viewer):
    """Who wrote a reply or changed the status, as the partner reads it: "You",
    a colleague's name, or the support team (with the agent's first name)."""
    if author is None:
        return _("Automatically")
    if author.pk == viewer.pk:
        return _("You")
    if author.is_staff:
        if author.get_short_name():
            return _("%(name)s, support team") % {"name": author.get_short_name()}
        return _("Support team")
    return author.get_full_name() or author.username
