"""Uploaded answers are known by their content: PDF, DOCX or ODT, at most 10 MB."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from app.assessments.uploads import DOCX, MAX_BYTES, ODT, PDF, UploadError, check_upload
from tests.assessments.conftest import PDF as PDF_BYTES
from tests.assessments.conftest import docx_bytes, odt_bytes

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def test_a_pdf_a_docx_and_an_odt_are_accepted_whatever_they_are_called():
    assert check_upload("plan.pdf", PDF_BYTES).type is PDF
    assert check_upload("plan", docx_bytes()).type is DOCX
    assert check_upload("plan.txt", odt_bytes()).type is ODT


def test_the_download_name_takes_the_extension_the_content_deserves():
    assert check_upload("My plan.pdf", PDF_BYTES).name == "My plan.pdf"
    assert check_upload("My plan.pdf", docx_bytes()).name == "My plan.docx"
    assert check_upload('a<b>"c".odt', odt_bytes()).name == "abc.odt"
    assert check_upload("", PDF_BYTES).name == "submission.pdf"


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("setup.pdf", WINDOWS_PROGRAM, "The selected file must be a PDF, DOCX or ODT"),
        ("notes.pdf", b"just some text", "The selected file must be a PDF, DOCX or ODT"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", b"%PDF-" + b"0" * MAX_BYTES, "The selected file must be smaller than 10MB"),
        ("../../etc/passwd.pdf", PDF_BYTES, "The file name must not contain / or \\. Rename the file and select it again"),
        ("C:\\Users\\me\\plan.pdf", PDF_BYTES, "The file name must not contain / or \\. Rename the file and select it again"),
        ("broken.docx", b"PK\x03\x04not really a zip", "The selected file must be a PDF, DOCX or ODT"),
        ("sheet.docx", docx_bytes("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
         "The selected file must be a PDF, DOCX or ODT"),
        ("slides.odt", odt_bytes(b"application/vnd.oasis.opendocument.presentation"),
         "The selected file must be a PDF, DOCX or ODT"),
    ],
    ids=["renamed-program", "text", "empty", "too-big", "path", "windows-path", "broken-zip", "spreadsheet", "slides"],
)
def test_a_file_that_is_not_an_acceptable_document_is_refused_with_a_reason(filename, data, message):
    with pytest.raises(UploadError) as refused:
        check_upload(filename, data)
    assert str(refused.value) == message


def test_a_zip_of_anything_else_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UploadError):
        check_upload("plan.docx", buffer.getvalue())


def test_a_file_of_exactly_10mb_is_accepted():
    assert check_upload("big.pdf", b"%PDF-" + b"0" * (MAX_BYTES - 5)).type is PDF


def odt_bomb(inflated_bytes: int = 100 * 1024 * 1024) -> bytes:
    """A small ODT whose mimetype entry inflates to 100 MB: the right type, then spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entry = zipfile.ZipInfo("mimetype")
        entry.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(entry, "w") as mimetype:
            mimetype.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(inflated_bytes // (1024 * 1024)):
                mimetype.write(b" " * (1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_an_odt_whose_mimetype_inflates_to_100mb_is_refused_without_reading_it():
    bomb = odt_bomb()
    assert len(bomb) < 200 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UploadError) as refused:
            check_upload("plan.odt", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value) == "The selected file must be a PDF, DOCX or ODT"
    assert peak < 2 * 1024 * 1024
