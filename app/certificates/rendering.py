"""Certificates as PDF: a design folder rendered by WeasyPrint from plain data.

The context is plain values (names, dates as text, module titles), never ORM objects, so
that the exact data a PDF was made from can be stored beside it and the PDF made again.
WeasyPrint may read only the design's own files: no network, nothing else on disk.

A design is loaded once per process: its template compiled, its `theme.css` parsed and its
fonts registered in one FontConfiguration, which every later render reuses. Parsing the
stylesheet and loading the fonts was most of the cost of a certificate.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certificates.designs import design_folder


#: A tagged PDF/UA-1 file: its structure, language (the template's <html lang>) and title (its
#: <title>) are there for screen readers.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


class DesignFetcher(URLFetcher):
    """Serves files from one design folder and refuses every other URL."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder.resolve()
        #: URLs asked for and refused, for tests and logs.
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve()
        if parts.scheme != "file" or self.folder not in path.parents or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"certificate designs may only use their own files: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


@dataclass(frozen=True)
class Design:
    """A design folder made ready to render: its template, its stylesheet and their fonts."""

    template: Template
    stylesheet: CSS
    font_config: FontConfiguration


@lru_cache(maxsize=8)
def load_design(folder: Path) -> Design:
    """The design in `folder`, loaded once per process."""
    environment = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))
    font_config = FontConfiguration()
    stylesheet = CSS(filename=str(folder / "theme.css"), font_config=font_config, url_fetcher=DesignFetcher(folder))
    return Design(environment.get_template("template.html"), stylesheet, font_config)


def render_html(context: dict, folder: Path) -> str:
    qr = segno.make(context["verify_url"], error="m").svg_inline(scale=3, border=0, dark="#0b0c0c")
    return load_design(folder).template.render(**context, qr_code=Markup(qr))


def render_in_folder(context: dict, folder: Path, fetcher: DesignFetcher | None = None, **options) -> bytes:
    """Render with no application around it, so worker processes can call it too. `options`
    go to WeasyPrint's write_pdf."""
    design = load_design(folder)
    html = HTML(string=render_html(context, folder), base_url=folder.as_uri() + "/",
                url_fetcher=fetcher or DesignFetcher(folder))
    return html.write_pdf(stylesheets=[design.stylesheet], font_config=design.font_config, **(PDF_OPTIONS | options))


def render_pdf(context: dict, design: str = "default", fetcher: DesignFetcher | None = None, **options) -> bytes:
    """The certificate PDF for this plain-data context."""
    return render_in_folder(context, design_folder(design), fetcher, **options)
