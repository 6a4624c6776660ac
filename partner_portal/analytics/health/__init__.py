"""The partner health score (issue 18, items 4 and 5).

- `measures`: each factor's raw measure for all partners at once, from the owning
  apps' selectors (a query or a few per factor, never one per partner);
- `services`: computing the day's scores, and the automatic move to "at risk";
- `selectors`: the latest scores, the at-risk list with its reasons, a history;
- `wording`: a factor's sentence, worded from the stored numbers when shown;
- `views`: the admin's at-risk list and a partner's health page.

The models are in `partner_portal/analytics/models/health.py`.
"""
