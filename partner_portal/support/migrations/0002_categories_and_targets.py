from decimal import Decimal

from django.db import migrations

CATEGORIES = (
    ("technical", "Technical", "技术问题"),
    ("orders", "Orders", "订单"),
    ("incentives", "Incentives", "激励与返利"),
    ("mdf", "MDF", "市场发展基金"),
    ("training", "Training", "培训与认证"),
    ("portal_access", "Portal access", "门户访问"),
    ("other", "Other", "其他"),
)

# Business hours (first response, resolution) at the lowest tier; each tier above
# gets the targets of the one below cut by a quarter.
LOWEST_TIER_HOURS = {
    "urgent": (Decimal(4), Decimal(16)),
    "high": (Decimal(8), Decimal(32)),
    "normal": (Decimal(16), Decimal(64)),
    "low": (Decimal(24), Decimal(120)),
}


def defaults(apps, schema_editor):
    Category = apps.get_model("support", "Category")
    SlaTarget = apps.get_model("support", "SlaTarget")
    Tier = apps.get_model("partners", "Tier")
    Category.objects.bulk_create(
        [
            Category(code=code, name=name, name_zh=name_zh, sort_order=order)
            for order, (code, name, name_zh) in enumerate(CATEGORIES)
        ],
        ignore_conflicts=True,
    )
    for step, tier in enumerate(Tier.objects.order_by("rank")):
        factor = Decimal("0.75") ** step
        for priority, (first, resolution) in LOWEST_TIER_HOURS.items():
            SlaTarget.objects.get_or_create(
                priority=priority,
                tier=tier,
                defaults={
                    "first_response_hours": (first * factor).quantize(Decimal("0.1")),
                    "resolution_hours": (resolution * factor).quantize(Decimal("0.1")),
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("partners", "0002_default_tiers"),
    ]

    operations = [migrations.RunPython(defaults, migrations.RunPython.noop)]
