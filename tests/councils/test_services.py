from sqlalchemy import func, select

from app.councils.models import Council, CouncilKind, Nation
from app.councils.services import import_councils
from app.extensions import db

GOOD = """name,gss_code,kind,signed_on
Adur District Council,E07000223,District,2018-07-04
Cardiff Council,W06000015,Welsh,22/01/2020
Belfast City Council,N09000003,Northern Irish,
"""


def councils_count() -> int:
    return db.session.scalar(select(func.count(Council.id)))


def test_a_good_file_creates_every_council():
    report = import_councils(GOOD)
    assert (report.created, report.updated, report.unchanged, report.problems) == (3, 0, 0, [])
    cardiff = db.session.scalar(select(Council).where(Council.gss_code == "W06000015"))
    assert cardiff.kind == CouncilKind.WELSH
    assert cardiff.nation == Nation.WALES
    assert str(cardiff.signed_on) == "2020-01-22"
    belfast = db.session.scalar(select(Council).where(Council.gss_code == "N09000003"))
    assert not belfast.is_signatory


def test_importing_the_same_file_again_changes_nothing():
    import_councils(GOOD)
    db.session.commit()
    report = import_councils(GOOD)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert councils_count() == 3


def test_a_changed_row_updates_its_council():
    import_councils(GOOD)
    report = import_councils(GOOD.replace("Belfast City Council,N09000003,Northern Irish,", "Belfast City Council,N09000003,Northern Irish,2026-05-01"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert db.session.scalar(select(Council).where(Council.gss_code == "N09000003")).is_signatory


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_written():
    text = """name,gss_code,kind,signed_on
Adur District Council,E07000223,District,2018-07-04
,E07000224,District,
Bristol City Council,E0600023,Unitary,2018-07-04
Camden,E09000007,London borough,next tuesday
Adur again,E07000223,District,
Somewhere,E07000999,Parish,
"""
    report = import_councils(text)
    assert [str(p) for p in report.problems] == [
        "Line 3: the council name is missing",
        "Line 4: 'E0600023' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)",
        "Line 5: 'next tuesday' is not a date (write it as 2018-07-04 or 04/07/2018)",
        "Line 6: GSS code E07000223 is also on line 2",
        "Line 7: 'Parish' is not a kind of council",
    ]
    assert councils_count() == 0


def test_a_missing_column_is_reported_on_the_header_line():
    report = import_councils("name,code\nAdur,E07000223\n")
    assert [str(p) for p in report.problems] == ["Line 1: the header row is missing the columns: gss_code, kind, signed_on"]
