from partner_portal.deals.imports.kinds import DEALS
from partner_portal.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import deal registrations from an earlier system from a CSV or XLSX file. "
        "Columns: partner (external ID), customer_name, customer_domain, country, "
        "region, products (names separated by ;), estimated_value, currency, "
        "expected_close_date, status (default submitted), protected_until, "
        "registered_by_email, notes, final_value (won) and lost_reason (lost). A "
        "row naming a registration the partner already has (the same customer, "
        "closing on the same day) is unchanged. A file with any error writes nothing."
    )
    kind = DEALS
    user_help = (
        "the username recorded as making the import; the user needs the "
        "permission to add deal registrations"
    )
