"""Portal pages of the sales ledger (portal.py) and of incentive statements
(statements.py), and admin pages of the sales ledger (admin.py)."""
