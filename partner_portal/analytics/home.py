"""The partner home's tier card, worded here because the sentence that names the
gap to the next tier (`gap_in_words`) is the scorecard's, and `partners` may not
import the apps whose figures it counts."""

from partner_portal.partners.models import TierProgramSettings
from partner_portal.partners.selectors import tier_progress_card

from .scorecards import gap_in_words


def tier_card(request) -> dict | None:
    """The tier card's context: the tier, the next one's requirements (have /
    need) and the gap to it in plain words; hidden without partner access."""
    context = tier_progress_card(request)
    if context is None:
        return None
    if not context["gap"]:
        # The card says so itself: the top tier, or a next tier without requirements.
        return context
    context["gap_sentence"] = gap_in_words(
        context["tier"],
        context["next_tier"],
        context["gap"],
        TierProgramSettings.load().revenue_currency,
    )
    return context
