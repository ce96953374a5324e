import io

from sqlalchemy import func, select

from app.councils.models import Council
from app.extensions import db
from tests.factories import make_council, make_user
from tests.pages import parse


def upload(client, text: str | bytes, name="register.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/councils/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_uploading_a_register_imports_it(admin_client):
    response = upload(admin_client, "name,gss_code,kind,signed_on\nAdur District Council,E07000223,District,2018-07-04\n")
    assert response.status_code == 302
    listing = parse(admin_client.get("/admin/councils/"))
    assert "Register imported: 1 added, 0 updated, 0 unchanged" in listing.get_text()
    assert "Adur District Council" in listing.select_one("tbody").get_text()


def test_a_file_with_one_bad_row_is_refused_with_its_line_number(admin_client):
    response = upload(
        admin_client,
        "name,gss_code,kind,signed_on\nAdur District Council,E07000223,District,2018-07-04\nArun,E07000224,District,31/02/2019\n",
    )
    page = parse(response)
    assert response.status_code == 200
    assert page.title.get_text().startswith("Error: ")
    assert "nothing was imported" in page.select_one("#file-error").get_text()
    assert "Line 3: '31/02/2019' is not a date" in page.select_one("#import-problems").get_text()
    assert db.session.scalar(select(func.count(Council.id))) == 0


def test_one_bad_row_is_counted_as_one_problem(admin_client):
    page = parse(upload(admin_client, "name,gss_code,kind,signed_on\nArun,E0700022,District,\n"))
    assert "The file has 1 problem and nothing was imported." in page.select_one("#file-error").get_text()


def test_a_file_saved_as_latin1_is_refused_beside_the_field_not_misread(admin_client):
    data = "name,gss_code,kind,signed_on\nCrème Brûlée Council,E07000223,District,\n".encode("latin-1")
    response = upload(admin_client, data)
    page = parse(response)
    assert response.status_code == 200
    assert page.title.get_text().startswith("Error: ")
    assert "The file must be saved as UTF-8" in page.select_one("#file-error").get_text()
    assert page.select_one("#import-problems") is None
    assert db.session.scalar(select(func.count(Council.id))) == 0


def test_a_register_saved_by_excel_as_csv_utf8_imports(admin_client):
    text = "name,gss_code,kind,signed_on\r\nCrème Brûlée Council,E07000223,District,\r\n"
    assert upload(admin_client, text.encode("utf-8-sig")).status_code == 302
    assert db.session.scalar(select(Council.name)) == "Crème Brûlée Council"


def test_a_register_with_lines_ending_in_a_carriage_return_alone_imports(admin_client):
    text = "name,gss_code,kind,signed_on\rAdur District Council,E07000223,District,\rArun,E07000224,District,\r"
    assert upload(admin_client, text).status_code == 302
    assert db.session.scalar(select(func.count(Council.id))) == 2


def test_a_file_that_is_not_csv_is_refused(admin_client):
    page = parse(upload(admin_client, "hello", name="register.xlsx"))
    assert "The selected file must be a CSV" in page.select_one("#file-error").get_text()


def test_the_register_searches_by_name_and_code_and_pages(admin_client):
    for n in range(30):
        make_council(f"Borough {n:02d}", gss_code=f"E09{n:06d}")
    make_council("Unsigned District", gss_code="E07000001", signed_on=None)
    assert len(parse(admin_client.get("/admin/councils/")).select("tbody tr")) == 25
    by_code = parse(admin_client.get("/admin/councils/?q=e09000005"))
    assert [a.get_text() for a in by_code.select("tbody a")] == ["Borough 05"]
    signatories = parse(admin_client.get("/admin/councils/?q=district&signatories=1"))
    assert signatories.select("tbody tr") == []


def test_a_council_page_lists_its_people(admin_client):
    council = make_council("Adur District Council")
    make_user("council_lead", council=council, name="Sarah Whitfield")
    page = parse(admin_client.get(f"/admin/councils/{council.id}"))
    assert "Sarah Whitfield" in page.select_one("table").get_text()
    assert page.select_one("a[href*='council=']").get_text().strip() == "Invite a council lead"
