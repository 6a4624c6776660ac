"""django-import-export resources: how partner and partner-user files map to models.

The resources map columns to fields (with widgets for codes, tiers by code and
account managers by email), check each row and save it. Saving goes through the
partner services, never import-export's own `save()`, so that the stage and tier
histories are kept (see ARCHITECTURE.md, "Known traps"). Reading the file and the
check-then-write workflow are `partner_portal.imports`'.
"""

import re

from django.contrib.auth.base_user import BaseUserManager
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader

from partner_portal.imports.resources import (
    CodeWidget,
    DomainWidget,
    EmailWidget,
    IsoDateWidget,
    LookupWidget,
    RowImportResource,
    codes_listed,
)

from ..models import (
    Partner,
    PartnerType,
    Region,
    Role,
    Stage,
    Tier,
    User,
    country_code_validator,
)
from ..services import partner_create, partner_update, stage_transition_error
from .accounts import (
    partner_user_create,
    partner_user_update,
    partner_username_for,
)

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class CountryWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if value and not _COUNTRY.match(value):
            raise ValueError(str(country_code_validator.message))
        return value.upper()


class RegionWidget(widgets.CharWidget):
    """A region by its code or its name in either language (a Chinese marketing
    team writes 华东); the row fails naming the value when no region matches."""

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return ""
        region = Region.objects.resolve(value)
        if region is None:
            raise ValueError(
                _(
                    "“%(value)s” is not a region. Write a region's code or its "
                    "name in English or Chinese, as listed under Settings → Regions."
                )
                % {"value": value}
            )
        return region.code

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", value) or ""


class TierWidget(LookupWidget):
    def __init__(self):
        super().__init__(Tier, "code")

    def refuse(self, value, found):
        if found is None:
            codes = Tier.objects.order_by("rank").values_list("code", flat=True)
            return _("“%(value)s” is not a tier code. Use one of: %(codes)s.") % {
                "value": value,
                "codes": codes_listed(codes),
            }
        return None


class AccountManagerWidget(LookupWidget):
    def __init__(self):
        super().__init__(User, "email")

    def refuse(self, value, found):
        if found is None:
            return _("No user has the email address “%(value)s”.") % {"value": value}
        if not (found.is_staff and found.is_active):
            return _(
                "The user with the email address “%(value)s” is not active "
                "vendor staff, so cannot manage partners."
            ) % {"value": value}
        return None


class PartnerByExternalIdWidget(LookupWidget):
    def __init__(self):
        super().__init__(Partner, "external_id", exact=True)

    def refuse(self, value, found):
        if found is None:
            return _("No partner has the external ID “%(value)s”.") % {"value": value}
        return None


class EmailInstanceLoader(BaseInstanceLoader):
    """Finds the file's users by email address, without regard to case, at once."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        emails = {str(email).strip().lower() for email in dataset["email"] if email}
        self.users = {
            user.email_lower: user
            for user in resource.get_queryset()
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
        }

    def get_instance(self, row):
        return self.users.get(str(row.get("email") or "").strip().lower())


PARTNER_REQUIRED_COLUMNS = (
    "external_id",
    "name",
    "country",
    "region",
    "partner_type",
    "tier",
    "stage",
)
PARTNER_OPTIONAL_COLUMNS = (
    "legal_name",
    "joined_on",
    "account_manager_email",
    "email_domain",
)


class PartnerResource(RowImportResource):
    """One partner per row, matched on external_id; saved through the services."""

    key_column = "external_id"
    required_values = PARTNER_REQUIRED_COLUMNS

    external_id = fields.Field("external_id", "external_id", widgets.CharWidget())
    name = fields.Field("name", "name", widgets.CharWidget())
    legal_name = fields.Field("legal_name", "legal_name", widgets.CharWidget())
    country = fields.Field("country", "country", CountryWidget())
    region = fields.Field("region", "region", RegionWidget())
    partner_type = fields.Field(
        "partner_type",
        "partner_type",
        CodeWidget(
            PartnerType.values,
            lambda: _("“%(value)s” is not a partner type code. Use one of: %(codes)s."),
        ),
    )
    tier = fields.Field("tier", "tier", TierWidget())
    stage = fields.Field(
        "stage",
        "stage",
        CodeWidget(
            Stage.values,
            lambda: _(
                "“%(value)s” is not a lifecycle stage code. Use one of: %(codes)s."
            ),
        ),
    )
    joined_on = fields.Field("joined_on", "joined_on", IsoDateWidget())
    account_manager = fields.Field(
        "account_manager", "account_manager_email", AccountManagerWidget()
    )
    email_domain = fields.Field("email_domain", "email_domain", DomainWidget())

    class Meta:
        model = Partner
        fields = (
            "external_id",
            "name",
            "legal_name",
            "country",
            "region",
            "partner_type",
            "tier",
            "stage",
            "joined_on",
            "account_manager",
            "email_domain",
        )
        import_id_fields = ("external_id",)
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def get_queryset(self):
        return Partner.objects.select_related("tier", "account_manager")

    def duplicate_message(self, value, row):
        return _("The external ID “%(value)s” is also on row %(row)d.") % {
            "value": value,
            "row": row,
        }

    def check_row(self, instance, row, errors):
        if self._before is None or "stage" in errors:
            return
        message = stage_transition_error(self._before["stage"], instance.stage)
        if message:
            errors["stage"] = [message]

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        values = self.import_values(instance, row)
        if is_create:
            instance.pk = partner_create(by=self.by, reason=self.reason, **values).pk
        else:
            partner_update(partner=instance, by=self.by, reason=self.reason, **values)


USER_REQUIRED_COLUMNS = ("email", "partner_external_id", "role")
USER_OPTIONAL_COLUMNS = ("first_name", "last_name")
USER_ACCOUNT_FIELDS = ("email", "first_name", "last_name")


class PartnerUserResource(RowImportResource):
    """One partner user per row, matched on email address without regard to case.

    `import_partner` and `import_role` hold the user's membership while a row is
    checked; saving creates or changes the user and the membership.
    """

    key_column = "email"
    required_values = USER_REQUIRED_COLUMNS

    email = fields.Field("email", "email", EmailWidget())
    first_name = fields.Field("first_name", "first_name", widgets.CharWidget())
    last_name = fields.Field("last_name", "last_name", widgets.CharWidget())
    partner = fields.Field(
        "import_partner", "partner_external_id", PartnerByExternalIdWidget()
    )
    role = fields.Field(
        "import_role",
        "role",
        CodeWidget(
            Role.values,
            lambda: _("“%(value)s” is not a role code. Use one of: %(codes)s."),
        ),
    )

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "partner", "role")
        import_id_fields = ("email",)
        instance_loader_class = EmailInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def get_queryset(self):
        return User.objects.select_related("membership__partner")

    def normalise_key(self, value):
        return (value or "").strip().lower()

    def duplicate_message(self, value, row):
        return _("The email address “%(value)s” is also on row %(row)d.") % {
            "value": value,
            "row": row,
        }

    def init_instance(self, row=None):
        user = User(is_active=True)
        user.set_unusable_password()
        return user

    def after_init_instance(self, instance, new, row, **kwargs):
        membership = getattr(instance, "membership", None)
        instance.import_partner = membership.partner if membership else None
        instance.import_role = membership.role if membership else ""
        super().after_init_instance(instance, new, row, **kwargs)

    def check_row(self, instance, row, errors):
        if self._before is None:
            if "email" not in errors:
                instance.email = BaseUserManager.normalize_email(instance.email)
                instance.username = partner_username_for(instance.email)
            return
        if instance.email.lower() == self._before["email"].lower():
            # The stored spelling stays; the address is the same.
            instance.email = self._before["email"]
        if instance.is_staff:
            errors.setdefault("email", []).append(
                _(
                    "The email address “%(value)s” belongs to vendor staff, who "
                    "cannot be partner users."
                )
                % {"value": instance.email}
            )
        current = self._before["partner_external_id"]
        if (
            "import_partner" not in errors
            and current is not None
            and instance.import_partner is not None
            and current != instance.import_partner
        ):
            errors["import_partner"] = [
                _(
                    "This user already belongs to the partner “%(partner)s” "
                    "(%(external_id)s)."
                )
                % {"partner": current.name, "external_id": current.external_id}
            ]

    def clean_exclude(self, errors):
        exclude = set(errors)
        if "email" in errors:
            exclude.add("username")
        return exclude

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        if is_create:
            user = partner_user_create(
                username=instance.username,
                email=instance.email,
                first_name=instance.first_name,
                last_name=instance.last_name,
                partner=instance.import_partner,
                role=instance.import_role,
            )
            instance.pk = user.pk
            self.created_objects.append(user)
        else:
            changed = self.changed_columns.get(kwargs["row_number"], [])
            partner_user_update(
                user=instance,
                fields=[name for name in USER_ACCOUNT_FIELDS if name in changed],
                partner=instance.import_partner,
                role=instance.import_role,
            )
