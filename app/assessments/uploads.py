"""Checking an uploaded answer: a PDF, DOCX or ODT of at most 10 MB, known by its content.

The name a person's computer gives a file proves nothing, so the type is read from the
bytes: a PDF starts with "%PDF-"; a DOCX is a ZIP whose [Content_Types].xml declares a Word
document; an ODT is a ZIP whose first entry, "mimetype", says it is an OpenDocument text.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
#: Said beside the upload field, by the server and by the browser's check before sending.
TOO_BIG = "The selected file must be smaller than 10MB"
#: [Content_Types].xml is a few kilobytes; never read more of it than this.
MAX_MANIFEST_BYTES = 256 * 1024
#: An archive entry can inflate a thousandfold, so nothing is read from one unbounded: an ODT's
#: "mimetype" is its type alone, so a little more than that is already not an ODT.
MAX_MIMETYPE_BYTES = 100

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileType:
    name: str
    suffix: str
    media_type: str


PDF = FileType("PDF", ".pdf", "application/pdf")
DOCX = FileType("DOCX", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = FileType("ODT", ".odt", "application/vnd.oasis.opendocument.text")


class UploadError(ValueError):
    """Why a file cannot be accepted, in words fit to show beside the upload field."""


@dataclass(frozen=True)
class CheckedFile:
    #: The name to download it as: the person's own name for it, with the right extension.
    name: str
    type: FileType
    data: bytes


def _read_start(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of an archive entry, however far it would inflate."""
    with archive.open(name) as entry:
        return entry.read(limit)


def _zip_type(data: bytes) -> FileType | None:
    """DOCX or ODT from a zip's manifest; None for any zip this cannot read, such as one that
    is damaged, encrypted or compressed by a method zipfile lacks (its NotImplementedError)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if names and names[0] == "mimetype":
            mimetype = _read_start(archive, "mimetype", MAX_MIMETYPE_BYTES + 1)
            if len(mimetype) <= MAX_MIMETYPE_BYTES and mimetype.strip() == ODT_MIMETYPE:
                return ODT
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            if DOCX_MAIN.encode() in _read_start(archive, "[Content_Types].xml", MAX_MANIFEST_BYTES):
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def file_type(data: bytes) -> FileType | None:
    """PDF, DOCX or ODT, from the content; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"<>|:*?]")


def download_name(filename: str, kind: FileType) -> str:
    """The person's name for the file, tidied, with the extension its content deserves."""
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    stem = _UNSAFE.sub("", stem).strip(" .")[:150] or "submission"
    return stem + kind.suffix


def check_upload(filename: str, data: bytes) -> CheckedFile:
    """The file, accepted; or UploadError saying what is wrong with it."""
    if "/" in filename or "\\" in filename:
        raise UploadError("The file name must not contain / or \\. Rename the file and select it again")
    if not data:
        raise UploadError("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise UploadError(TOO_BIG)
    kind = file_type(data)
    if kind is None:
        raise UploadError("The selected file must be a PDF, DOCX or ODT")
    return CheckedFile(download_name(filename, kind), kind, data)
