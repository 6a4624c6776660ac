"""The partner's rating of a resolved ticket: once per ticket, 1 to 5."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partner_portal.partners.models import User

from ..models import Rating, Ticket

RATEABLE = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


@transaction.atomic
def ticket_rate(
    *, ticket: Ticket, by: User | None, score: int, comment: str = ""
) -> Rating:
    """Rate a resolved (or closed) ticket; `by` is None when rated from the
    email's link. A second rating is refused."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in RATEABLE:
        raise ValidationError(_("Only a resolved ticket can be rated."))
    if Rating.objects.filter(ticket=ticket).exists():
        raise ValidationError(_("This ticket is rated already. Thank you."))
    rating = Rating(ticket=ticket, score=score, comment=comment.strip())
    rating.full_clean()
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise ValidationError(_("This ticket is rated already. Thank you.")) from None
    return rating
