"""The resources part of the demo data set: a library, a policy, an announcement,
and the partner users' downloads of the assets over the months before their last
sign-in, each of an asset the user may see."""

import datetime as dt
import io

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from wagtail.models import Site

from PIL import Image as PILImage

from partner_portal.page_languages import translation_publish
from partner_portal.partners.access import Audience
from partner_portal.partners.models import (
    AUDIENCE_STAGES,
    AccessLevel,
    PartnerMembership,
    Product,
    Tier,
)

from .models import (
    AnnouncementPage,
    AssetPage,
    DownloadEvent,
    PolicyPage,
    PortalDocument,
    PortalImage,
    ResourceLibraryPage,
)

LIBRARY_SLUG = "library"
# (slug, title, asset type, access level, minimum tier, language, products, tags)
ASSETS = [
    (
        "edge-gateway-brochure",
        "Edge Gateway brochure",
        "brochure",
        "public",
        None,
        "en",
        ["Edge Gateway"],
        ["overview"],
    ),
    (
        "cloud-backup-datasheet",
        "Cloud Backup datasheet",
        "datasheet",
        "partner",
        None,
        "en",
        ["Cloud Backup"],
        ["technical"],
    ),
    (
        "zero-trust-pitch-deck",
        "Zero Trust pitch deck",
        "presentation",
        "tier",
        "silver",
        "en",
        ["Zero Trust Access"],
        ["sales"],
    ),
    (
        "edge-gateway-price-list",
        "Edge Gateway price list",
        "price_list",
        "tier",
        "gold",
        "en",
        ["Edge Gateway"],
        ["pricing"],
    ),
    (
        "platinum-playbook",
        "Strategic partner playbook",
        "playbook",
        "tier",
        "platinum",
        "en",
        ["Edge Gateway", "Cloud Backup"],
        ["sales"],
    ),
    (
        "cloud-backup-case-study-zh",
        "云备份客户案例",
        "case_study",
        "partner",
        None,
        "zh-hans",
        ["Cloud Backup"],
        ["customer"],
    ),
    (
        "zero-trust-whitepaper-zh",
        "零信任安全白皮书",
        "whitepaper",
        "partner",
        None,
        "zh-hans",
        ["Zero Trust Access"],
        ["technical"],
    ),
    (
        "internal-battlecard",
        "Internal competitive battlecard",
        "playbook",
        "staff",
        None,
        "en",
        ["Zero Trust Access"],
        ["internal"],
    ),
]


def demo_pdf(text: str) -> bytes:
    """A minimal, valid one-page PDF showing `text`."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def demo_png(color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _stored(folder, filename, content):
    """The storage name of a demo file, written once: seeding again (each test
    database does) reuses the file instead of adding a copy."""
    name = f"{folder}/demo/{filename}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def _access(level, tier_code):
    return {
        "access_level": level,
        "min_tier": Tier.objects.get(code=tier_code) if tier_code else None,
    }


# What each asset's summary says, so that the words partners search for (security,
# certification, 安全, 认证) find something; an asset not named here gets a line
# made from its title.
SUMMARIES = {
    "edge-gateway-brochure": (
        "Edge Gateway at a glance: network security for every branch office, "
        "managed from one console."
    ),
    "cloud-backup-datasheet": (
        "Cloud Backup specifications: encryption at rest, ISO 27001 security "
        "certification and retention options."
    ),
    "zero-trust-pitch-deck": (
        "Zero Trust Access for security teams: the customer's problem, our answer "
        "and the certification path for your engineers."
    ),
    "cloud-backup-case-study-zh": (
        "一家制造企业用云备份保护生产数据：数据安全、合规认证与每周恢复演练。"  # noqa: RUF001
    ),
    "zero-trust-whitepaper-zh": (
        "零信任访问如何保障远程办公安全，以及合作伙伴工程师的认证路径。"  # noqa: RUF001
    ),
}


# The Chinese versions of the library's pages (see partner_portal/page_languages),
# by slug; the assets written in Chinese need none.
LIBRARY_ZH = {
    "title": "资源库",
    "intro": "<p>供合作伙伴使用的销售与市场资料。</p>",
}
ASSETS_ZH = {
    "edge-gateway-brochure": (
        "Edge Gateway 产品手册",
        "Edge Gateway 一览：为每个分支机构提供网络安全防护，一个控制台统一管理。",  # noqa: RUF001
    ),
    "cloud-backup-datasheet": (
        "Cloud Backup 产品规格表",
        "Cloud Backup 技术规格：静态数据加密、ISO 27001 安全认证和多种数据保留方案。",  # noqa: RUF001
    ),
    "zero-trust-pitch-deck": (
        "零信任访问销售演示文稿",
        "面向安全团队的零信任访问：客户的痛点、我们的方案，以及贵司工程师的认证路径。",  # noqa: RUF001
    ),
    "edge-gateway-price-list": (
        "Edge Gateway 价格表",
        "Edge Gateway 最新价格表，可直接用于客户报价。",  # noqa: RUF001
    ),
    "platinum-playbook": (
        "战略合作伙伴销售手册",
        "面向战略合作伙伴的联合销售打法与资源支持。",
    ),
    "internal-battlecard": (
        "内部竞品对比卡",
        "仅供内部使用：与主要竞品的对比要点。",  # noqa: RUF001
    ),
}
POLICY_ZH = {
    "title": "合作伙伴行为准则",
    "body": "<p>合作伙伴应诚信经营、保护客户数据，并遵守出口管制规定。</p>",  # noqa: RUF001
}
ANNOUNCEMENT_ZH = {
    "title": "Edge Gateway 新版价格表发布",
    "summary": "金牌合作伙伴现在即可下载新版价格表。",
    "body": "<p>新版价格表已上传至资源库。</p>",
}


def _translate_library(library, policy):
    """The library's Chinese versions: the library, its assets and announcement,
    and the code of conduct."""
    translation_publish(library, "zh-hans", **LIBRARY_ZH)
    assets = AssetPage.objects.child_of(library).filter(slug__in=ASSETS_ZH)
    for asset in assets:
        title, summary = ASSETS_ZH[asset.slug]
        translation_publish(asset, "zh-hans", title=title, summary=summary)
    for announcement in AnnouncementPage.objects.child_of(library).filter(
        slug="new-edge-gateway-price-list"
    ):
        translation_publish(announcement, "zh-hans", **ANNOUNCEMENT_ZH)
    if policy is not None:
        translation_publish(policy, "zh-hans", **POLICY_ZH)


def _editors_translate():
    """The demo's editors may translate pages (their page permissions, from the
    tree's root, cover the Chinese tree too)."""
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            Permission.objects.get(
                content_type__app_label="simple_translation",
                codename="submit_translation",
            )
        )


@transaction.atomic
def seed_resources(*, stdout):
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    root = site.root_page
    library = (
        ResourceLibraryPage.objects.child_of(root).filter(slug=LIBRARY_SLUG).first()
    )
    if library is None:
        library = ResourceLibraryPage(
            title="Resource library",
            slug=LIBRARY_SLUG,
            access_level=AccessLevel.PUBLIC,
            intro="<p>Sales and marketing material for our partners.</p>",
        )
        root.add_child(instance=library)
        library.save_revision().publish()
    for slug, title, kind, level, tier_code, language, products, tags in ASSETS:
        if AssetPage.objects.child_of(library).filter(slug=slug).exists():
            continue
        access = _access(level, tier_code)
        document = PortalDocument(title=title, **access)
        document.file.name = _stored("documents", f"{slug}.pdf", demo_pdf(title))
        document.save()
        thumbnail = PortalImage(title=title, width=400, height=300, **access)
        thumbnail.file.name = _stored("original_images", f"{slug}.png", demo_png())
        thumbnail.save()
        asset = AssetPage(
            title=title,
            slug=slug,
            asset_type=kind,
            language=language,
            summary=SUMMARIES.get(
                slug, f"{title}: ready to share with your customers."
            ),
            document=document,
            thumbnail=thumbnail,
            **access,
        )
        library.add_child(instance=asset)
        asset.products.set(Product.objects.filter(name__in=products))
        asset.tags.set(tags)
        asset.save_revision().publish()
    if not PolicyPage.objects.child_of(root).filter(slug="code-of-conduct").exists():
        policy = PolicyPage(
            title="Partner code of conduct",
            slug="code-of-conduct",
            policy_type="code_of_conduct",
            body="<p>Partners act honestly, protect customer data and comply "
            "with export rules.</p>",
            requires_acknowledgement=True,
            access_level=AccessLevel.PARTNER,
        )
        root.add_child(instance=policy)
        policy.save_revision().publish()
    if not AnnouncementPage.objects.child_of(library).exists():
        announcement = AnnouncementPage(
            title="New Edge Gateway price list",
            slug="new-edge-gateway-price-list",
            summary="Gold partners can download the new price list now.",
            body="<p>The new price list is in the resource library.</p>",
            access_level=AccessLevel.PARTNER,
        )
        library.add_child(instance=announcement)
        announcement.save_revision().publish()
    _translate_library(
        library,
        PolicyPage.objects.child_of(root).filter(slug="code-of-conduct").first(),
    )
    _editors_translate()
    downloads = _downloads(library)
    stdout.write(
        f"Resources: library, assets, a policy, an announcement and "
        f"{downloads} demo downloads."
    )


def _downloads(library) -> int:
    """Downloads by the demo's partner users (their addresses are at `.example`,
    a domain no real user has) who have signed in, unless they have downloaded
    already: a few assets each, spread over the five months up to their last
    sign-in. Returns how many were added."""
    memberships = PartnerMembership.objects.filter(
        partner__stage__in=AUDIENCE_STAGES,
        user__last_login__isnull=False,
        user__email__endswith=".example",
    ).select_related("user", "partner__tier")
    done = set(
        DownloadEvent.objects.filter(
            user__in=[membership.user for membership in memberships]
        ).values_list("user_id", flat=True)
    )
    assets = list(
        AssetPage.objects.child_of(library)
        .live()
        .select_related("document", "min_tier")
        .order_by("pk")
    )
    events = []
    for number, membership in enumerate(memberships.order_by("user__username")):
        if membership.user_id in done:
            continue
        audience = Audience(
            tier_rank=membership.partner.tier.rank, partner_id=membership.partner_id
        )
        seen = [asset for asset in assets if audience.may_see(asset)]
        last = membership.user.last_login
        for index, asset in enumerate(seen):
            # Between none and three downloads of each asset, the same every run.
            for time in range((number + index) % 4):
                events.append(
                    DownloadEvent(
                        user=membership.user,
                        partner=membership.partner,
                        document=asset.document,
                        asset=asset,
                        downloaded_at=last
                        - dt.timedelta(days=(index * 11 + time * 37) % 150, hours=1),
                    )
                )
    DownloadEvent.objects.bulk_create(events)
    return len(events)
