"""The comparable forms of a deal's customer, for the conflict check.

The name goes through the same normalisation as partner and applicant names
(`partners.company_name_key`: case, full width, punctuation, legal suffixes) with the
suffixes staff keep in Deals → Legal suffixes; the domain loses its scheme, path and
"www.". When staff change the suffixes, the keys of open registrations are computed
again, so the next submission compares like with like.
"""

from django.db import transaction

from partner_portal.partners.models.core import company_name_key, normalise_domain

from .models import Deal, LegalSuffix


def legal_suffixes() -> list[str]:
    return list(LegalSuffix.objects.values_list("suffix", flat=True))


# The key's column width: a name Unicode normalisation lengthens past it is compared
# on its first 200 characters.
KEY_LENGTH = 200


def customer_key(name: str, suffixes: list[str] | None = None) -> str:
    key = company_name_key(name, legal_suffixes() if suffixes is None else suffixes)
    return key[:KEY_LENGTH]


def domain_key(domain: str) -> str:
    return normalise_domain(domain) if domain.strip() else ""


def deal_keys_set(deal: Deal, suffixes: list[str] | None = None) -> Deal:
    deal.customer_key = customer_key(deal.customer_name, suffixes)
    deal.domain_key = domain_key(deal.customer_domain)
    return deal


@transaction.atomic
def open_deals_rekey() -> int:
    """Compute the keys of the pending and approved registrations again (drafts get
    theirs when submitted); how many changed."""
    suffixes = legal_suffixes()
    changed = []
    open_deals = Deal.objects.pending_or_approved().only(
        "customer_name", "customer_key"
    )
    for deal in open_deals.iterator():
        key = customer_key(deal.customer_name, suffixes)
        if key != deal.customer_key:
            deal.customer_key = key
            changed.append(deal)
    Deal.objects.bulk_update(changed, ["customer_key"], batch_size=1000)
    return len(changed)
