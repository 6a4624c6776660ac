from django.db import migrations


def grant(apps, schema_editor):
    """Wagtail's Editors and Moderators see the search terms report."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="search", model="searchquery"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_searchquery",
        defaults={"name": "Can view search query"},
    )
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_search_recording"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
