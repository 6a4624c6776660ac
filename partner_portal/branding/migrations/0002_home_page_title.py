"""The site's home page is called what it is, in each language.

Wagtail's own first migration makes the home page of every install and titles it
"Welcome to your new Wagtail site!", which the page explorer then shows to editors
in both languages. This renames it (and a translation of it, in the translation's
language) wherever that title was never changed; a title an editor chose is kept.
"""

from django.db import migrations

WAGTAIL_DEFAULT_TITLE = "Welcome to your new Wagtail site!"
# Page titles are data, stored in the page's own language.
HOME_TITLES = {"en": "Partner portal", "zh-hans": "合作伙伴门户"}


def rename_home_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    for page in Page.objects.filter(depth=2, title=WAGTAIL_DEFAULT_TITLE):
        title = HOME_TITLES.get(page.locale.language_code, HOME_TITLES["en"])
        Page.objects.filter(pk=page.pk).update(title=title, draft_title=title)
        # The editor opens the latest revision: it must carry the new title too.
        if page.latest_revision_id:
            revision = Revision.objects.get(pk=page.latest_revision_id)
            revision.content["title"] = revision.content["draft_title"] = title
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("branding", "0001_branding"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(rename_home_pages, migrations.RunPython.noop),
    ]
