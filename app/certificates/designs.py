"""Where a certificate design's files are: apart from rendering, which imports WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def design_folder(design: str) -> Path:
    folder = (Path(current_app.config["CERTIFICATES_DIR"]) / design).resolve()
    if not (folder / "template.html").is_file():
        raise LookupError(f"no certificate design called {design!r}")
    return folder
