"""Images reach the browser only through the permission-checked view.

Wagtail images have no privacy of their own (wagtail #3880): a rendition's
/media/ URL works for anyone. So every image the portal shows, whether a
thumbnail, a StreamField image block or an image embedded in rich text, is
linked as `/resources/images/<id>/<spec>/`, which applies the access rule.
A rendition's own `url` (`models.PortalRendition.url`) is that view as well, so
Wagtail's admin previews pass the same rule.
"""

from django.urls import reverse
from django.utils.html import format_html

from wagtail.images.formats import get_image_format, get_image_formats
from wagtail.images.models import Filter
from wagtail.images.rich_text import ImageEmbedHandler

# Only these renditions can be asked for, so a visitor cannot make the server
# generate arbitrary sizes: list thumbnails, previews, lesson image blocks, and
# the filter of each rich-text image format (see `allowed_filter_specs`).
PORTAL_FILTERS = frozenset(
    {"fill-400x300", "max-800x600", "max-800x800", "max-1600x1600"}
)
# An embed whose format is no longer registered still renders, at this size.
FALLBACK_FILTER = "max-800x800"


def allowed_filter_specs() -> frozenset[str]:
    return PORTAL_FILTERS | {fmt.filter_spec for fmt in get_image_formats()}


def checked_image_url(image_id: int, filter_spec: str) -> str:
    """The permission-checked URL of a rendition; never a media URL."""
    return reverse("resources-image", args=(image_id, filter_spec))


class CheckedImageEmbedHandler(ImageEmbedHandler):
    """`<embed embedtype="image">` in rich text, pointing at the checked view.

    Wagtail's own handler writes the rendition's /media/ URL into the page. The
    rewriter has no request, so the tag is the same for everyone; the checked
    view answers 404 to whoever may not see the image.
    """

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        tags = []
        for attrs, image in zip(attrs_list, cls.get_many(attrs_list), strict=True):
            if image is None:
                tags.append('<img alt="">')
                continue
            try:
                image_format = get_image_format(attrs.get("format", ""))
            except KeyError:
                filter_spec, classname = FALLBACK_FILTER, ""
            else:
                filter_spec = image_format.filter_spec
                classname = image_format.classname
            width, height = Filter(spec=filter_spec).get_transform(image).size
            tags.append(
                format_html(
                    '<img src="{}" alt="{}" width="{}" height="{}" class="{}">',
                    checked_image_url(image.pk, filter_spec),
                    attrs.get("alt", ""),
                    width,
                    height,
                    classname,
                )
            )
        return tags
