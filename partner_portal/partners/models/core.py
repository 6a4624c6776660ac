"""Users, tiers, partners, memberships and the access levels content carries."""

import re
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from django_countries import countries
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ..wording import has_cjk, name_in_language, person_name
from .region_field import RegionField


class User(AbstractUser):
    """Everyone who signs in: vendor staff and partner users alike."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this email address exists."),
            ),
        ]

    def get_full_name(self):
        """The name in its culture's order (李伟, Wei Li) wherever a user is named:
        portal, admin, emails, certificates."""
        return person_name(self.first_name, self.last_name)

    def get_short_name(self):
        """How an email greets the user: a Chinese name whole (李伟, 您好), as Chinese
        letters address people, a Western name by the given name (Hello Wei)."""
        if has_cjk(self.first_name) or has_cjk(self.last_name):
            return self.get_full_name()
        return self.first_name


class TranslatedName(models.Model):
    """A record with a stored name partners read: `name` in English and `name_zh` in
    Chinese, shown in the page's language by `name_in_language` (and `str()`)."""

    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return name_in_language(self)


class InCountry(models.Model):
    """A record with a `country` (an ISO 3166 code) that lists and pages name."""

    class Meta:
        abstract = True

    @property
    def country_name(self):
        """The country named in the active language (德国, Germany), as the forms
        list it; the code itself for a code ISO 3166 does not know."""
        return countries.name(self.country) or self.country


class Tier(TranslatedName):
    """A partner program level. Rank 1 is the lowest; content is gated by rank."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("1 is the lowest tier.")
    )
    description = models.TextField(_("description"), blank=True)
    min_trailing_revenue = models.DecimalField(
        _("minimum trailing 12-month revenue"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("In the program currency. Leave empty for no revenue requirement."),
    )
    min_certified_users = models.PositiveIntegerField(
        _("minimum certified users"),
        default=0,
        help_text=_("Users holding an active certification."),
    )
    required_certification = models.CharField(
        _("required certification code"),
        max_length=40,
        blank=True,
        help_text=_("Count only holders of this certification; empty counts any."),
    )
    required_agreements = models.ManyToManyField(
        "partners.Agreement",
        verbose_name=_("required agreements"),
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    APPLICANT = "applicant", _("Applicant")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    AT_RISK = "at_risk", _("At risk")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# The stages in which a partner's users have partner access (the access rule).
AUDIENCE_STAGES = frozenset({Stage.ONBOARDING, Stage.ACTIVE, Stage.AT_RISK})

# The lifecycle: from each stage, the stages a partner may move to. Terminated is final.
STAGE_TRANSITIONS = {
    Stage.PROSPECT: {Stage.APPLICANT, Stage.ONBOARDING, Stage.TERMINATED},
    Stage.APPLICANT: {Stage.ONBOARDING, Stage.TERMINATED},
    Stage.ONBOARDING: {Stage.ACTIVE, Stage.SUSPENDED, Stage.TERMINATED},
    Stage.ACTIVE: {Stage.AT_RISK, Stage.SUSPENDED, Stage.TERMINATED},
    Stage.AT_RISK: {Stage.ACTIVE, Stage.SUSPENDED, Stage.TERMINATED},
    Stage.SUSPENDED: {Stage.ACTIVE, Stage.TERMINATED},
    Stage.TERMINATED: set(),
}


class PartnerType(models.TextChoices):
    RESELLER = "reseller", _("Reseller")
    DISTRIBUTOR = "distributor", _("Distributor")
    MSP = "msp", _("Managed service provider")
    REFERRAL = "referral", _("Referral partner")
    SYSTEM_INTEGRATOR = "system_integrator", _("System integrator")


country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter ISO 3166 country code, such as CN or DE.")
)


LEGAL_SUFFIXES = (
    "incorporated", "inc", "ltd", "limited", "llc", "gmbh", "ag", "sa", "sas", "srl",
    "bv", "pty", "plc", "co", "corp", "corporation", "company",
    "有限责任公司", "股份有限公司", "有限公司", "公司", "集团",
)  # fmt: skip
# A dot between single letters ("S.A.", "S.p.A.") goes, so the abbreviation is a word.
_ABBREVIATION_DOT = re.compile(r"(?<=\b\w)\.(?=\w\b)")


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return _ABBREVIATION_DOT.sub("", text)


def _is_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(char) == "W" for char in text)


def company_name_key(name: str, suffixes=LEGAL_SUFFIXES) -> str:
    """A comparable form of a company name: case, width, punctuation and legal
    suffixes go ('ACME, Inc.', 'acme inc' and a full-width 'Acme' are all 'acme';
    '华东渠道科技有限公司' is '华东渠道科技'). Latin suffixes are whole words
    anywhere in the name; Chinese ones are dropped from its end, longest first.
    `suffixes` are written as people write them ("S.A.", "Co.", "有限公司")."""
    text = _comparable(name)
    forms = {_comparable(suffix).rstrip(".") for suffix in suffixes} - {""}
    cjk = sorted((form for form in forms if _is_cjk(form)), key=len, reverse=True)
    latin = sorted(form for form in forms if not _is_cjk(form))
    stripped = None
    while stripped != text:
        stripped = text
        text = text.rstrip(" .,;:()")
        for suffix in cjk:
            text = text.removesuffix(suffix)
    if latin:
        words = "|".join(re.escape(form) for form in latin)
        text = re.sub(rf"(?<!\w)(?:{words})(?!\w)", " ", text)
    # A name that is nothing but a legal form ("Company") is compared as it is.
    return re.sub(r"[\W_]+", "", text) or re.sub(r"[\W_]+", "", _comparable(name))


def normalise_domain(domain: str) -> str:
    """`https://www.Example.com/about` and `example.com` are the same domain."""
    domain = re.sub(r"^https?://", "", domain.strip().lower()).split("/")[0]
    return domain.removeprefix("www.")


# A host name of two or more labels ending in a top-level domain of letters; letters
# of any script, so 中文.cn and example.公司 pass, `acme`, `acme.` and `1.2.3.4` do not.
_DOMAIN = re.compile(r"^(?:(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")


def is_domain(domain: str) -> bool:
    """Whether `domain`, once normalised, names an internet domain."""
    return bool(_DOMAIN.match(normalise_domain(domain)))


class Partner(InCountry):
    external_id = models.CharField(
        _("external ID"),
        max_length=64,
        unique=True,
        help_text=_("The identifier other systems (CRM, ERP) use for this partner."),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    region = RegionField(related_name="partners")
    partner_type = models.CharField(
        _("partner type"), max_length=20, choices=PartnerType.choices
    )
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="partners"
    )
    stage = models.CharField(
        _("lifecycle stage"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.PROSPECT,
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    demotion_due_on = models.DateField(
        _("demotion due on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set while the partner falls short of its tier, in the grace period."
        ),
    )
    email_domain = models.CharField(_("email domain"), max_length=253, blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    name_key = models.CharField(
        max_length=200, editable=False, db_index=True, default=""
    )
    legal_name_key = models.CharField(
        max_length=200, editable=False, db_index=True, default=""
    )
    account_manager = models.ForeignKey(
        "partners.User",
        verbose_name=_("channel account manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_partners",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["stage", "tier"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.email_domain = normalise_domain(self.email_domain)
        self.name_key = company_name_key(self.name)
        self.legal_name_key = company_name_key(self.legal_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "name_key",
                "legal_name_key",
                "email_domain",
            }
        super().save(*args, **kwargs)

    @property
    def grants_access(self):
        return self.stage in AUDIENCE_STAGES

    # What a complete company profile holds (an onboarding step can require it).
    PROFILE_FIELDS = ("name", "legal_name", "website", "phone", "address", "country")

    @property
    def profile_complete(self):
        return all(getattr(self, field) for field in self.PROFILE_FIELDS)

    def may_move_to(self, stage):
        return stage in STAGE_TRANSITIONS[Stage(self.stage)]


class PartnerUserObjectPermission(UserObjectPermissionBase):
    """Guardian object permissions on partners through a real foreign key."""

    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("partner permission of a user")
        verbose_name_plural = _("partner permissions of users")


class PartnerGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Partner, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("partner permission of a group")
        verbose_name_plural = _("partner permissions of groups")


class Role(models.TextChoices):
    ADMIN = "admin", _("Partner admin")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    TECHNICAL = "technical", _("Technical")


class PartnerMembership(models.Model):
    """A partner user's place in their partner. A user belongs to one partner."""

    user = models.OneToOneField(
        "partners.User",
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "user__username"]
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")

    def __str__(self):
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"

    def clean(self):
        if self.user_id and self.user.is_staff:
            raise ValidationError(
                {"user": _("Vendor staff cannot be members of a partner.")}
            )


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTNER = "partner", _("Any partner")
    TIER = "tier", _("Minimum tier")
    STAFF = "staff", _("Staff only")
    # A file that belongs to one partner's record (an MDF claim's proof, a ticket's
    # attachment): that partner's users and staff. Only documents offer it.
    OWNER = "owner", _("Its partner only")


CONTENT_ACCESS_LEVELS = [
    choice for choice in AccessLevel.choices if choice[0] != AccessLevel.OWNER
]


class AccessControlled(models.Model):
    """The access level every content item carries; see partners.access for the rule."""

    access_level = models.CharField(
        _("access level"),
        max_length=10,
        choices=CONTENT_ACCESS_LEVELS,
        default=AccessLevel.PARTNER,
    )
    min_tier = models.ForeignKey(
        Tier,
        verbose_name=_("minimum tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Required when the access level is 'Minimum tier'."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.access_level == AccessLevel.TIER and self.min_tier_id is None:
            raise ValidationError(
                {"min_tier": _("Choose the minimum tier that may see this item.")}
            )
        if self.access_level != AccessLevel.TIER:
            self.min_tier = None
