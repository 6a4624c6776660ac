from learning.imports.kinds import CERTIFICATION_AWARDS
from partner_portal.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import certification awards from a previous system from a CSV or XLSX "
        "file. Columns: email, certification_code, issued_at, expires_at and "
        "credential_id (optional; left empty, the award gets a new one). A row "
        "whose credential ID is already stored with the same holder, certification "
        "and dates is unchanged. A file with any error writes nothing."
    )
    kind = CERTIFICATION_AWARDS
    user_help = (
        "import as this user: the user needs the permission to add certification "
        "awards, and only users of the partners they may see can be named "
        "(default: any partner's users)"
    )
