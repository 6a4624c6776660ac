"""Tiers no longer keep a group of their partner users.

Each tier had an auth group kept equal to the active partner users at that tier, a
second copy of the audience that nothing read: the access rule
(`partners/access.py`) reads a partner's tier and stage. This deletes the groups the
tiers pointed at (with their memberships), then the field.

Reversible: going back gives every tier its group again, named "Tier: <code>" as
before, holding the active partner users (not staff) of partners at that tier in
the onboarding, active or at-risk stage, as the earlier code kept it.
"""

import django.db.models.deletion
from django.db import migrations, models

# partners.models.AUDIENCE_STAGES when this migration was written.
AUDIENCE_STAGES = ["onboarding", "active", "at_risk"]


def delete_tier_groups(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    Group = apps.get_model("auth", "Group")
    group_ids = list(
        Tier.objects.filter(group__isnull=False).values_list("group_id", flat=True)
    )
    Tier.objects.update(group=None)
    Group.objects.filter(pk__in=group_ids).delete()
    _check_foreign_keys_now(schema_editor)


def recreate_tier_groups(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("partners", "User")
    for tier in Tier.objects.all():
        group, _created = Group.objects.get_or_create(name=f"Tier: {tier.code}")
        tier.group = group
        tier.save(update_fields=["group"])
        group.user_set.set(
            User.objects.filter(
                is_active=True,
                is_staff=False,
                membership__partner__tier=tier,
                membership__partner__stage__in=AUDIENCE_STAGES,
            )
        )
    _check_foreign_keys_now(schema_editor)


def _check_foreign_keys_now(schema_editor):
    """Run the deferred foreign-key checks of the rows written so far.

    PostgreSQL refuses to alter a table with checks still pending in the same
    transaction ("pending trigger events"), and the field is altered next.
    """
    schema_editor.connection.check_constraints()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_onboarding"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        # Nullable first, so that the tiers can let go of their groups.
        migrations.AlterField(
            model_name="tier",
            name="group",
            field=models.OneToOneField(
                editable=False,
                help_text="Kept equal to the active partner users at this tier.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tier",
                to="auth.group",
                verbose_name="group",
            ),
        ),
        migrations.RunPython(delete_tier_groups, recreate_tier_groups),
        migrations.RemoveField(model_name="tier", name="group"),
    ]
