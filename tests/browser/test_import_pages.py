"""The import pages on a phone: nothing is cut off, wide tables scroll sideways."""

import pytest

from tests.chinese_files import NAMES, chinese_partners_csv

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-test-password-2026"


def right_edge(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"]


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_partner_import_and_its_preview_fit_a_phone(
    browser, live_server, django_user_model, tmp_path, locale
):
    django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto("/admin/import/partners/")

    # The encoding select and its help end inside the screen, not past its edge.
    field = page.locator(".w-field--select", has=page.locator("select[name=encoding]"))
    assert right_edge(field.locator("select")) <= PHONE["width"]
    assert right_edge(field.locator(".w-field__help .help")) <= PHONE["width"]

    path = tmp_path / "partners.csv"
    path.write_bytes(chinese_partners_csv("gb18030"))
    page.set_input_files("input[name=file]", str(path))
    page.click("form.import-upload button[type=submit]")
    page.wait_for_url("**/admin/import/partners/*/")

    # The rows table is wider than the phone: it scrolls inside its box, and its
    # last column comes into view.
    rows = page.locator("#import-rows")
    box = page.locator(".import-table", has=rows)
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert right_edge(rows.locator("th").last) <= PHONE["width"]
    # A name stays on one line instead of breaking after every few characters.
    lines = rows.get_by_role("cell", name=NAMES[2]).evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getClientRects().length; }"
    )
    assert lines == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"import-preview-{locale}-390.png", full_page=True)
    context.close()
