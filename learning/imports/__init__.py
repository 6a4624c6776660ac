"""Import of certification awards from a previous system: its kind, resource and
admin views, on the shared framework in `partner_portal.imports`."""
