import pytest
from sqlalchemy import func, select

from app.councils.models import Council, CouncilKind, Nation
from app.councils.services import RegisterUnreadable, import_councils
from app.extensions import db
from tests.factories import make_council

GOOD = b"""name,gss_code,kind,signed_on
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
    report = import_councils(GOOD.replace(b"Belfast City Council,N09000003,Northern Irish,", b"Belfast City Council,N09000003,Northern Irish,2026-05-01"))
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
    report = import_councils(text.encode())
    assert [str(p) for p in report.problems] == [
        "Line 3: the council name is missing",
        "Line 4: 'E0600023' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)",
        "Line 5: 'next tuesday' is not a date (write it as 2018-07-04 or 04/07/2018)",
        "Line 6: GSS code E07000223 is also on line 2",
        "Line 7: 'Parish' is not a kind of council",
    ]
    assert councils_count() == 0


def test_a_missing_column_is_reported_on_the_header_line():
    report = import_councils(b"name,code\nAdur,E07000223\n")
    assert [str(p) for p in report.problems] == ["Line 1: the header row is missing the columns: gss_code, kind, signed_on"]


def test_utf8_with_or_without_a_byte_order_mark_keeps_every_letter():
    text = "name,gss_code,kind,signed_on\nCrème Brûlée Council,E07000223,District,\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
        assert import_councils(data).ok
        assert db.session.scalar(select(Council.name)) == "Crème Brûlée Council"


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_file_in_any_other_encoding_is_refused_and_nothing_is_written(encoding):
    data = "name,gss_code,kind,signed_on\nCrème Brûlée Council,E07000223,District,\n".encode(encoding)
    with pytest.raises(RegisterUnreadable) as refused:
        import_councils(data)
    assert str(refused.value).startswith("The file must be saved as UTF-8")
    assert refused.value.field == "file"
    assert councils_count() == 0


def test_lines_ending_in_a_carriage_return_alone_are_read_with_their_numbers():
    report = import_councils(GOOD.replace(b"\n", b"\r") + b"Arun,E0700022,District,\r")
    assert [str(p) for p in report.problems] == [
        "Line 5: 'E0700022' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)"
    ]
    assert import_councils(GOOD.replace(b"\n", b"\r")).created == 3


def test_a_name_longer_than_its_column_is_reported_on_its_line():
    report = import_councils(GOOD + b"A" * 201 + b",E07000224,District,\n")
    assert [str(p) for p in report.problems] == ["Line 5: the council name is longer than 200 characters"]
    assert councils_count() == 0


def test_a_long_bad_value_is_quoted_cut_short():
    report = import_councils(GOOD + b"Arun," + b"E" * 5000 + b",District,\n")
    [problem] = report.problems
    assert str(problem).startswith("Line 5: '" + "E" * 40 + "\u2026' is not a GSS code")


def test_a_field_too_big_for_csv_is_reported_on_its_line_not_raised():
    report = import_councils(GOOD + b'"' + b"x" * 200_000 + b'",E07000224,District,\n')
    [problem] = report.problems
    assert str(problem).startswith("Line 5: this line cannot be read as CSV")


@pytest.mark.postgres
def test_a_register_of_more_councils_than_postgresql_takes_parameters_imports():
    make_council("Old name", gss_code="E00069999")
    db.session.commit()
    lines = [f"Council {n},E{n:08d},District,2018-07-04" for n in range(70_000)]
    report = import_councils(("name,gss_code,kind,signed_on\n" + "\n".join(lines)).encode())
    assert (report.created, report.updated, report.problems) == (69_999, 1, [])
    assert councils_count() == 70_000
    assert db.session.scalar(select(Council.name).where(Council.gss_code == "E00069999")) == "Council 69999"


def test_a_gss_code_with_digits_from_another_script_is_refused():
    report = import_councils("name,gss_code,kind,signed_on\nAdur,E٠٧٠٠٠٢٢٣,District,\n".encode())
    assert [str(p) for p in report.problems] == [
        "Line 2: 'E٠٧٠٠٠٢٢٣' is not a GSS code (a letter E, W, S or N and 8 digits, like E07000223)"
    ]
