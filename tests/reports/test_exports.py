"""Exports open cleanly in a spreadsheet and run nothing; the audit log filters and exports."""

import csv
import io

import time_machine

from app.audit.services import record
from app.exports import csv_response, csv_text
from app.extensions import db
from tests.factories import make_council, make_user


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_csv_response_is_a_utf8_attachment_with_a_byte_order_mark(app):
    with app.test_request_context():
        response = csv_response("people.csv", ["Name"], [["Siân Ó Briain"]])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert response.data.startswith("\ufeff".encode("utf-8"))
    assert rows_of(response.data.decode("utf-8")) == [["Name"], ["Siân Ó Briain"]]


def test_every_formula_start_is_neutralised_and_commas_and_quotes_survive():
    text = csv_text(["Cell"], [["=1+1"], ["+1"], ["-1"], ["@A1"], ["\t=1"], ["\r=1"], ['Say "hi", then go'], [""]])
    assert [row[0] for row in rows_of(text)[1:]] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", 'Say "hi", then go', "",
    ]


def test_the_audit_log_combines_filters_and_its_csv_keeps_them(admin_client, admin):
    olu = make_user("admin", name="Olu Adebayo")
    council = make_council("Ynys Môn")
    with time_machine.travel("2027-03-01 10:00", tick=False):
        record(olu, "council.updated", council, {"name": ["Anglesey", "Ynys Môn"]})
    with time_machine.travel("2027-03-20 10:00", tick=False):
        record(olu, "council.updated", council, {"signed_on": [None, "2027-03-20"]})
        record(admin, "council.updated", council, {"name": ["Ynys Môn", "Anglesey"]})
    db.session.commit()
    query = "?person=olu&action=council&from=2027-03-10&to=2027-03-31"
    page = admin_client.get(f"/admin/audit/{query}").get_data(as_text=True)
    assert "1 event<" in page and "signed_on" in page
    rows = rows_of(admin_client.get(f"/admin/audit/audit.csv{query}").data.decode("utf-8"))
    assert rows[0] == ["When", "Who", "Email", "Action", "Object", "Object id", "What changed"]
    assert len(rows) == 2
    assert rows[1][1] == "Olu Adebayo"
    assert rows[1][6] == '{"signed_on": [null, "2027-03-20"]}'


def test_the_audit_csv_writes_what_changed_as_readable_json(admin_client, admin):
    council = make_council("Ynys Môn")
    record(admin, "council.updated", council, {"name": ["Anglesey", "Ynys Môn"]})
    db.session.commit()
    rows = rows_of(admin_client.get("/admin/audit/audit.csv?action=council").data.decode("utf-8"))
    assert rows[1][6] == '{"name": ["Anglesey", "Ynys Môn"]}'
