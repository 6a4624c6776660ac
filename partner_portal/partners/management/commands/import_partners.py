from partner_portal.imports.command import ImportCommand
from partner_portal.partners.imports.kinds import PARTNERS


class Command(ImportCommand):
    help = (
        "Create and update partners from a CSV or XLSX file, matched on external_id. "
        "Columns: external_id, name, legal_name, country, region, partner_type, "
        "tier, stage, joined_on, account_manager_email, email_domain. A file with "
        "any error writes nothing."
    )
    kind = PARTNERS
