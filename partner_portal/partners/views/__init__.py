"""Views of partners: `portal` (home, application), `company` (a partner admin's
company profile and users) and `admin` (application review, sign-in lockouts)."""
