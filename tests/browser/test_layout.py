"""No page is wider than the screen, on a desktop or a phone, and tables show every column on a
desktop: checked in a real browser, with axe."""

from urllib.parse import urlparse

import pytest

from tests.browser.fixtures import assert_accessible, sign_in
from tests.factories import make_user
from tests.reports.programmes import known_programme

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def _fits(page, url: str) -> None:
    """At each width the page is no wider than the screen, axe finds nothing, and on a desktop no
    table is cut off inside its scrolling region."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert urlparse(page.url).path == url, f"{url} sent the browser to {page.url}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{url} is wider than {width}px"
        if width == 1280:
            cut_off = page.evaluate(
                "[...document.querySelectorAll('.app-table-scroll')]"
                ".filter(region => region.scrollWidth > region.clientWidth)"
                ".map(region => region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'))"
            )
            assert not cut_off, f"{url}: tables cut off at {width}px: {cut_off}"
        assert_accessible(page)


def test_pages_anyone_sees_fit_the_screen(page):
    for url in ("/", "/help", "/verify"):
        _fits(page, url)


def test_a_council_leads_pages_fit_the_screen(page):
    programme = known_programme(make_user("admin"))
    sign_in(page, programme.leads[programme.councils[0]].email)
    for url in ("/", "/our-people/", "/nominations/", f"/nominations/intakes/{programme.spring.id}"):
        _fits(page, url)


def test_sign_out_looks_like_the_link_beside_it(page):
    sign_in(page, make_user("participant").email)
    style = "element => [getComputedStyle(element).color, getComputedStyle(element).fontSize, element.getBoundingClientRect().bottom]"
    change = page.get_by_role("link", name="Change password").evaluate(style)
    sign_out = page.get_by_role("button", name="Sign out").evaluate(style)
    assert sign_out[:2] == change[:2]
    assert abs(sign_out[2] - change[2]) <= 2  # on the same line


def test_the_programme_overview_fits_the_screen(page):
    admin = make_user("admin")
    programme = known_programme(admin)
    sign_in(page, admin.email)
    for url in ("/admin/reports/", f"/admin/reports/intakes/{programme.spring.id}"):
        _fits(page, url)
