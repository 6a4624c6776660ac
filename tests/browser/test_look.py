"""The portal's look as a user meets it: the header on a laptop and on a phone, pages
that reflow at 320 px, images that load, and focus rings and field borders that can
be seen (WCAG 1.4.10 and 1.4.11)."""

import re

from .conftest import ARTIFACTS
from .walk import BROKEN_IMAGES, sign_in, switch_language

SCREENSHOTS = ARTIFACTS / "look"

# The library's address is the library page's (the "Resources" link, last in the nav).
LIST_PAGES = ("/", None, "/sales/", "/learning/", "/search/?q=security")
LIBRARY_LINK = "#site-sections a:last-child"

# The WCAG contrast ratio of two CSS colours as getComputedStyle writes them.
CONTRAST = """([first, second]) => {
  const rgb = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = rgb(colour).map((c) => {
      c /= 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""

# The colour an element is painted on: the first ancestor with an opaque background.
BACKDROP = """(element) => {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(colour) && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
}"""


def contrast(page, first, second):
    return page.evaluate(CONTRAST, [first, second])


def test_the_menu_button_opens_the_navigation_by_keyboard_at_390_px(demo_data, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "gold.user")
    page.goto("/")
    toggle = page.locator(".menu-toggle")
    links = page.locator("#site-sections a")
    hrefs = links.evaluate_all("links => links.map((link) => link.href)")
    assert len(hrefs) >= 5
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not links.first.is_visible()

    # Tab from the skip link reaches the button before anything in the menu.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "menu-toggle"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    reached = []
    for _ in range(len(hrefs) + 2):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.href || ''"))
    assert set(hrefs) <= set(reached)
    assert all(links.nth(i).is_visible() for i in range(len(hrefs)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "menu-open-en-390.png")

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.className") == "menu-toggle"
    assert not links.first.is_visible()


def test_list_pages_reflow_at_320_px_and_their_images_load(demo_data, page):
    sign_in(page, "gold.user")
    page.set_viewport_size({"width": 320, "height": 800})
    problems = []
    for language in ("en", "zh-hans"):
        switch_language(page, language)
        page.goto("/")
        library = page.get_attribute(LIBRARY_LINK, "href")
        for path in LIST_PAGES:
            path = path or library
            response = page.goto(path)
            assert response.ok, path
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - innerWidth"
            )
            if overflow > 0:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll("main *, header *")]
                      .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
                      .slice(0, 3).map((e) => e.tagName + "." + e.className)"""
                )
                problems.append(f"{language} {path}: {overflow}px too wide: {wide}")
            broken = page.evaluate(BROKEN_IMAGES)
            if broken:
                problems.append(f"{language} {path}: images not loaded: {broken}")
            name = path.strip("/").split("/")[0].split("?")[0] or "home"
            page.set_viewport_size({"width": 390, "height": 844})
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}-390.png")
            page.set_viewport_size({"width": 320, "height": 800})
    assert problems == [], "\n".join(problems)


def test_library_cards_show_a_thumbnail_or_an_icon_for_their_type(demo_data, page):
    sign_in(page, "gold.user")
    page.goto(page.get_attribute(LIBRARY_LINK, "href"))
    cards = page.locator(".asset-card")
    assert cards.count() > 0
    for index in range(cards.count()):
        card = cards.nth(index)
        assert card.locator("img, .asset-icon").count() >= 1, card.inner_text()
    assert page.evaluate(BROKEN_IMAGES) == []


def test_focus_rings_and_field_borders_reach_3_to_1(demo_data, page):
    sign_in(page, "gold.user")
    page.goto("/search/?q=security")
    field = page.locator("main input[type=search]").first
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = field.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineColor, s.outlineStyle,"
        " s.borderTopColor, s.backgroundColor]; }"
    )
    backdrop = field.evaluate(BACKDROP)
    ring, ring_style, border, background = style
    assert ring_style != "none"
    assert contrast(page, ring, backdrop) >= 3, (ring, backdrop)
    assert contrast(page, border, background) >= 3, (border, background)

    # A link's and a button's ring too, each against what it is drawn on.
    for selector in ("main a[href]", "main button"):
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.outerHTML")
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        backdrop = page.evaluate(f"({BACKDROP})(document.activeElement)")
        assert re.match(r"rgb", ring), focused
        assert contrast(page, ring, backdrop) >= 3, (focused, ring, backdrop)
