"""Lesson Markdown becomes safe HTML: what the format allows survives, anything unsafe is inert."""

from __future__ import annotations

from bs4 import BeautifulSoup

from app.courses.rendering import html_for_page, render_markdown


def render(text: str, images: dict[str, str] | None = None):
    images = images or {}
    return render_markdown(text, lambda src: images.get(src))


def test_a_script_an_event_handler_and_a_javascript_link_come_out_inert():
    rendered = render(
        "## Safe\n\n"
        "<script>alert('script')</script>\n\n"
        '<img src="images/a.png" alt="A chart" onerror="alert(\'onerror\')">\n\n'
        "[Click me](javascript:alert('link'))\n\n"
        '<a href="javascript:alert(1)" onclick="alert(2)">Raw link</a>\n\n'
        '<p style="position:fixed" onmouseover="alert(3)">Styled</p>\n\n'
        "<iframe src='https://evil.example'></iframe><style>body{display:none}</style>",
        images={"images/a.png": "01-module/images/a.png"},
    )
    html = rendered.html
    for unsafe in ("<script", "alert", "onerror", "onclick", "onmouseover", "javascript:", "style", "iframe"):
        assert unsafe not in html, unsafe
    page = BeautifulSoup(html, "html.parser")
    assert page.find("img")["src"] == "course-file:01-module/images/a.png"
    assert [a.get_text() for a in page.find_all("a")] == ["Click me", "Raw link"]
    assert all(not a.get("href") for a in page.find_all("a"))


def test_headings_lists_tables_quotes_and_web_links_are_kept():
    html = render(
        "## Heading\n\n### Smaller\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n\n"
        "[Service Manual](https://www.gov.uk/service-manual) and [email](mailto:team@example.gov.uk) "
        "and [below](#heading)"
    ).html
    page = BeautifulSoup(html, "html.parser")
    assert [h.name for h in page.find_all(["h2", "h3"])] == ["h2", "h3"]
    assert len(page.select("ul li")) == 2 and len(page.select("ol li")) == 2
    assert [cell.get_text() for cell in page.select("table th, table td")] == ["a", "b", "1", "2"]
    assert page.find("blockquote").get_text(strip=True) == "quoted"
    assert [a["href"] for a in page.find_all("a")] == [
        "https://www.gov.uk/service-manual",
        "mailto:team@example.gov.uk",
        "#heading",
    ]
    assert page.find("a")["rel"] == ["noopener", "noreferrer"]


def test_a_level_one_heading_a_relative_link_and_an_undescribed_image_are_problems():
    rendered = render(
        "# Title again\n\n[next](02-next.md)\n\n![](images/a.png)", images={"images/a.png": "m/images/a.png"}
    )
    messages = [message for _, message in rendered.problems]
    assert any("headings from ## down" in m for m in messages)
    assert any('the link "02-next.md" must be a web address' in m for m in messages)
    assert any('the image "images/a.png" needs a description' in m for m in messages)
    assert "<h1" not in rendered.html


def test_stored_image_paths_become_urls_for_the_page_showing_them():
    stored = render("![A chart](images/a.png)", images={"images/a.png": "01-module/images/a.png"}).html
    page = html_for_page(stored, lambda path: f"/course-files/7/{path}")
    assert BeautifulSoup(page, "html.parser").find("img")["src"] == "/course-files/7/01-module/images/a.png"


def test_a_lessons_table_scrolls_in_a_labelled_region_that_takes_focus():
    stored = render("| Phase | Purpose |\n|---|---|\n| Alpha | Try ideas |").html
    region = BeautifulSoup(html_for_page(stored, str), "html.parser").find("table").parent
    assert (region["class"], region["role"], region["aria-label"], region["tabindex"]) == (
        ["app-table-scroll"], "region", "Table", "0"
    )
