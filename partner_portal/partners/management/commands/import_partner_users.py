from partner_portal.imports.command import ImportCommand
from partner_portal.partners.imports.kinds import PARTNER_USERS


class Command(ImportCommand):
    help = (
        "Create and update partner users and their memberships from a CSV or XLSX "
        "file, matched on email address. Columns: email, first_name, last_name, "
        "partner_external_id, role. New users get no password, ready to be invited. "
        "A file with any error writes nothing."
    )
    kind = PARTNER_USERS
