from django.db import migrations

DEFAULT_TIERS = [
    ("registered", "Registered", 1, "Entry level for every approved partner."),
    ("silver", "Silver", 2, "Partners with proven sales and certified staff."),
    ("gold", "Gold", 3, "Established partners with significant revenue."),
    ("platinum", "Platinum", 4, "Strategic partners at the top of the program."),
]


def create_default_tiers(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    Group = apps.get_model("auth", "Group")
    for code, name, rank, description in DEFAULT_TIERS:
        if Tier.objects.filter(code=code).exists():
            continue
        group, _created = Group.objects.get_or_create(name=f"Tier: {code}")
        Tier.objects.create(
            code=code, name=name, rank=rank, description=description, group=group
        )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_default_tiers, migrations.RunPython.noop),
    ]
