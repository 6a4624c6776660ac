"""The rule editor of an incentive program: one StreamField block type per rule.

A program manager adds rules as blocks and fills in plain fields; nothing is code.
The same rules load from a file (`program_files`), and `rules.rules_from_stream`
turns either into the rule objects the calculation reads. Percentages and amounts are
DecimalBlocks: Wagtail stores them as strings in the JSON, so they stay exact.
"""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks

from learning.selectors import certification_choices
from partner_portal.partners.selectors import tier_choices

from .models.ledger import CODE_LENGTH

PERCENT = {"max_digits": 7, "decimal_places": 4, "min_value": 0}
MONEY = {"max_digits": 14, "decimal_places": 2}


class CodeChoiceBlock(blocks.ChoiceBlock):
    """A choice of a code (a tier's, a certification's) read from a query.

    Wagtail's ChoiceBlock matches every stored value against its choices, which
    runs the query once per value read; a code is stored as the text it is, so
    reading it back needs no choices at all (the form still offers and checks them).
    """

    def normalize_choice(self, value):
        return value if value is None else str(value)


class SkusBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(
            blocks.CharBlock(max_length=CODE_LENGTH, label=_("SKU")),
            label=_("SKUs"),
            help_text=_("Leave empty to count every SKU."),
            min_num=0,
            # Wagtail starts a list with one empty item, which the editor then had
            # to delete before saving a rule that counts every SKU.
            default=[],
            **kwargs,
        )


class TierRateBlock(blocks.StructBlock):
    tier = CodeChoiceBlock(choices=tier_choices, label=_("tier"))
    percent = blocks.DecimalBlock(label=_("percent"), **PERCENT)

    class Meta:
        label = _("rate for a tier")


class PercentOfRevenueBlock(blocks.StructBlock):
    rates = blocks.ListBlock(
        TierRateBlock(),
        label=_("rates by tier"),
        help_text=_("A tier without a rate earns nothing from this rule."),
    )
    skus = SkusBlock(required=False)

    class Meta:
        label = _("Percent of revenue")
        icon = "decimal"


class BandBlock(blocks.StructBlock):
    start = blocks.DecimalBlock(label=_("from revenue of"), min_value=0, **MONEY)
    percent = blocks.DecimalBlock(label=_("percent"), **PERCENT)

    class Meta:
        label = _("band")


class VolumeBandsBlock(blocks.StructBlock):
    mode = blocks.ChoiceBlock(
        choices=[
            ("marginal", _("Marginal: each part of revenue earns its band's rate")),
            (
                "retroactive",
                _("Retroactive: all revenue earns the highest band reached"),
            ),
        ],
        default="marginal",
        label=_("mode"),
    )
    bands = blocks.ListBlock(BandBlock(), label=_("bands"), min_num=1)
    skus = SkusBlock(required=False)

    class Meta:
        label = _("Volume bands")
        icon = "list-ol"


class UnitAmountBlock(blocks.StructBlock):
    sku = blocks.CharBlock(max_length=CODE_LENGTH, label=_("SKU"))
    amount = blocks.DecimalBlock(
        label=_("amount per unit"), max_digits=18, decimal_places=4
    )

    class Meta:
        label = _("amount for a SKU")


class PerUnitBlock(blocks.StructBlock):
    amounts = blocks.ListBlock(UnitAmountBlock(), label=_("amounts"), min_num=1)

    class Meta:
        label = _("Per unit sold")
        icon = "tag"


class CertificationBonusBlock(blocks.StructBlock):
    certification = CodeChoiceBlock(
        choices=certification_choices, label=_("certification")
    )
    min_certified_users = blocks.IntegerBlock(
        min_value=1, default=1, label=_("minimum certified users")
    )
    amount = blocks.DecimalBlock(label=_("bonus"), min_value=0, **MONEY)

    class Meta:
        label = _("Certification bonus")
        icon = "success"


class RuleStreamBlock(blocks.StreamBlock):
    percent_of_revenue = PercentOfRevenueBlock()
    volume_bands = VolumeBandsBlock()
    per_unit = PerUnitBlock()
    certification_bonus = CertificationBonusBlock()
