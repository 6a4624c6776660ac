"""Who may import partners and partner users.

An import creates and changes records in bulk, so it needs the model permissions
(program managers, administrators). A channel account manager's object
permissions on their own partners are not enough: a file could name any partner.
"""

IMPORT_PERMISSIONS = {
    "partners": ("partners.add_partner", "partners.change_partner"),
    "partner_users": (
        "partners.add_partnermembership",
        "partners.change_partnermembership",
    ),
}


def user_may_import(user, kind: str) -> bool:
    """Whether the user holds every model permission the import of `kind` needs."""
    # has_perms() without an object asks the model backend only; guardian's
    # object permissions never answer for a whole model.
    return bool(user.is_active and user.has_perms(IMPORT_PERMISSIONS[kind]))
