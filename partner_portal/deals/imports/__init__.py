"""Import of deal registrations from an earlier system: its kind, resource and
admin view, on the shared framework in `partner_portal.imports`."""
