"""The stylesheet of every import's admin pages, on every admin page.

Wagtail has no hook for one view's styles, and the import pages are several apps'
views (partners, learning, resources, the sales import) sharing the templates in
templates/imports/: the rules only match their classes (`import-table`,
`import-upload`), so the other admin pages are untouched.
"""

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks


@hooks.register("insert_global_admin_css")
def import_pages_css():
    return format_html('<link rel="stylesheet" href="{}">', static("imports/admin.css"))
