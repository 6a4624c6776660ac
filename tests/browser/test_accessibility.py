"""WCAG 2.1 AA as axe-core measures it, on the portal's pages in both languages.

axe-core (vendored from npm by `make axe-core`, never served by the site) runs in
each page a partner user opens (home, academy, library, sales, company, support)
and in the pages a visitor opens (apply, sign-in), in English and in Chinese; any
violation fails the test with the rule and the elements it found. The script is
evaluated through the browser's debugging protocol, so the page's
Content-Security-Policy stays as strict as users get it (the `page` fixture
still fails on anything the policy refused).

After an invalid application the focus is on the error summary, one list that
links to each field, rather than on the first of many alerts.
"""

from pathlib import Path

import pytest

from .walk import sign_in, switch_language

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
USERNAME = "gold.user"
PARTNER_PAGES = ("/", "/academy/", "/library/", "/sales/", "/company/", "/support/")
VISITOR_PAGES = ("/apply/", "/accounts/login/")
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


def violations(page):
    """axe-core's WCAG 2.1 A and AA violations of the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE)


def check(page, path, language, problems):
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    for violation in violations(page):
        problems.append(
            "{language} {path}: {rule} ({impact}) {help}: {targets}".format(
                language=language, path=path, **violation
            )
        )


def test_portal_pages_have_no_axe_violations_in_either_language(demo_data, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    problems = []
    page.goto("/")
    for language in ("en", "zh-hans"):
        switch_language(page, language)
        for path in VISITOR_PAGES:
            check(page, path, language, problems)
    sign_in(page, USERNAME)
    for language in ("en", "zh-hans"):
        switch_language(page, language)
        for path in PARTNER_PAGES:
            check(page, path, language, problems)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_invalid_application_focuses_its_error_summary(page, language):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    switch_language(page, language)
    page.goto("/apply/")
    page.fill("input[name=email_domain]", "nowhere")
    page.fill("input[name=employee_count]", "0")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("element => element === document.activeElement")
    assert page.locator("[role=alert]").count() == 1
    assert summary.locator("a").count() >= 2
    summary.locator("a[href='#id_email_domain']").click()
    assert page.evaluate("document.activeElement.id") == "id_email_domain"
    assert violations(page) == []
