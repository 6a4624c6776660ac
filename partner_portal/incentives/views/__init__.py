"""Portal pages (portal.py) and admin pages (admin.py) of the sales ledger."""
