import io
import re
import shutil
import subprocess

import pytest
from hypothesis import given, strategies as st
from pypdf import PdfReader

from app.certificates.codes import ALPHABET, new_code, normalise_code
from app.certificates.designs import design_folder
from app.certificates.rendering import DesignFetcher, render_pdf


def context(code: str) -> dict:
    return {
        "programme": "Digital Leadership Programme",
        "participant_name": "Gareth Lewis",
        "council_name": "Adur District Council",
        "course_title": "Digital Leadership",
        "cohort_name": "Spring 2027, cohort A",
        "completed_on": "14 March 2027",
        "modules": ["Why digital is a leadership matter", "Leading culture change"],
        "code": code,
        "verify_url": f"http://lms.test/verify/{code}",
    }


def test_the_pdf_reads_back_as_an_a4_landscape_certificate():
    code = new_code()
    reader = PdfReader(io.BytesIO(render_pdf(context(code))))
    (page,) = reader.pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = page.extract_text()
    for expected in ("Gareth Lewis", "Adur District Council", code, f"http://lms.test/verify/{code}", "Leading culture change"):
        assert expected in text


def test_the_pdf_is_tagged_with_its_language_and_title(tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_pdf(context(new_code())))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Certificate of completion: Gareth Lewis$", info, re.M)
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "en"


def test_the_design_may_fetch_only_its_own_files(app, tmp_path):
    design = tmp_path / "hostile"
    shutil.copytree(design_folder("default"), design)
    template = (design / "template.html").read_text()
    (design / "template.html").write_text(
        template.replace(
            "</body>",
            '<img src="file:///etc/passwd"><img src="../../secret.png"><img src="http://example.com/x.png"></body>',
        )
    )
    original, app.config["CERTIFICATES_DIR"] = app.config["CERTIFICATES_DIR"], str(tmp_path)
    try:
        fetcher = DesignFetcher(design)
        pdf = render_pdf(context(new_code()), design="hostile", fetcher=fetcher)
    finally:
        app.config["CERTIFICATES_DIR"] = original
    assert pdf.startswith(b"%PDF")
    refused = " ".join(fetcher.refused)
    assert "/etc/passwd" in refused and "example.com" in refused and "secret.png" in refused
    assert not any("fonts/" in url or "theme.css" in url for url in fetcher.refused)


def test_codes_have_at_least_60_bits_and_no_look_alikes():
    code = new_code()
    assert re.fullmatch(r"DLP(-[A-Z2-9]{4}){4}", code)
    assert not set("01OILUV") & set(code.removeprefix("DLP"))
    import math

    assert 16 * math.log2(len(ALPHABET)) >= 60


@given(st.builds(lambda: new_code()), st.sampled_from([str.lower, str.upper, lambda c: c.replace("-", " "), lambda c: c.replace("-", "")]))
def test_a_code_typed_in_any_case_or_spacing_is_understood(code, typing):
    assert normalise_code(typing(code)) == code


@pytest.mark.parametrize("typed", ["", "DLP", "DLP-0000-0000-0000-0000", "hello world", "DLP-ABCD-EFGH-JKMN"])
def test_a_code_that_cannot_be_ours_is_refused(typed):
    assert normalise_code(typed) is None
