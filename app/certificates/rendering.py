"""Certificates as PDF: a design folder rendered by WeasyPrint from plain data.

The context is plain values (names, dates as text, module titles), never ORM objects, so
that the exact data a PDF was made from can be stored beside it and the PDF made again.
WeasyPrint may read only the design's own files: no network, nothing else on disk.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import current_app
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


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


def design_folder(design: str) -> Path:
    folder = (Path(current_app.config["CERTIFICATES_DIR"]) / design).resolve()
    if not (folder / "template.html").is_file():
        raise LookupError(f"no certificate design called {design!r}")
    return folder


def render_html(context: dict, folder: Path) -> str:
    environment = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))
    qr = segno.make(context["verify_url"], error="m").svg_inline(scale=3, border=0, dark="#0b0c0c")
    return environment.get_template("template.html").render(**context, qr_code=Markup(qr))


def render_in_folder(context: dict, folder: Path, fetcher: DesignFetcher | None = None) -> bytes:
    """Render with no application around it, so worker processes can call it too."""
    fetcher = fetcher or DesignFetcher(folder)
    html = HTML(string=render_html(context, folder), base_url=folder.as_uri() + "/", url_fetcher=fetcher)
    return html.write_pdf(**PDF_OPTIONS)


def render_pdf(context: dict, design: str = "default", fetcher: DesignFetcher | None = None) -> bytes:
    """The certificate PDF for this plain-data context."""
    return render_in_folder(context, design_folder(design), fetcher)
