"""Import of partners and partner users: their kinds, resources, accounts and the
admin views, on the shared framework in `partner_portal.imports`."""
