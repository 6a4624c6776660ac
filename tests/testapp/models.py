from django.db import models

from partner_portal.partners.models import AccessControlled


class GatedItem(AccessControlled):
    title = models.CharField(max_length=100)
