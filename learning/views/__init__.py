"""Views of learning: `portal` (learning home, certificates, public verification)
and `admin` (revoking an award, the learning reports)."""
