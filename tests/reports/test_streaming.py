"""The big exports stream: the response is written as the rows are read, batch by batch.

A test runs inside an app context of its own, which keeps one session open across a request;
a server has none, so a streamed response outlives its view's session. `as_served` asks for a
download as a server would, from a thread with no context, where that difference shows.
"""

import csv
import io
import threading

from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.audit.services import BATCH as AUDIT_BATCH
from app.extensions import db
from app.intakes.export import BATCH as NOMINATION_BATCH
from app.intakes.models import Nomination
from tests.factories import make_council, make_intake, make_user


def as_served(client, url: str) -> bytes:
    """The whole body of a GET with the client's session cookie, asked for outside any app
    context, as a server would."""
    result = {}
    served = FlaskClient(client.application)
    cookie = client.get_cookie("session")
    served.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)

    def download():
        try:
            response = served.get(url)
            result["body"] = (response.status_code, response.data)
        except Exception as error:  # noqa: BLE001 - handed to the test, which fails on it
            result["error"] = error

    thread = threading.Thread(target=download)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    status, body = result["body"]
    assert status == 200
    return body


def rows_of(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_an_intakes_nominations_csv_is_streamed_with_every_nomination_in_order(admin_client):
    intake = make_intake()
    council = make_council("Ynys Môn County Council")
    lead = make_user("council_lead", council=council)
    count = 2 * NOMINATION_BATCH + 7
    db.session.add_all(
        Nomination(intake=intake, council=council, nominee_name=f"Nominee {n:04d}", email=f"n{n}@ynysmon.gov.uk",
                   job_title="Service manager", service_area="Housing", reason="=1+1", line_manager_supports=True,
                   created_by_id=lead.id)
        for n in range(count)
    )
    db.session.commit()

    response = admin_client.get(f"/admin/intakes/{intake.id}/nominations.csv")

    assert response.is_streamed
    assert as_served(admin_client, f"/admin/intakes/{intake.id}/nominations.csv") == response.data
    rows = rows_of(response.data)
    assert rows[0][:3] == ["Council", "GSS code", "Nominee"]
    assert [row[2] for row in rows[1:]] == [f"Nominee {n:04d}" for n in range(count)]
    assert {row[6] for row in rows[1:]} == {"'=1+1"}


def test_the_audit_csv_is_streamed_with_every_event_newest_first(admin_client, admin):
    count = AUDIT_BATCH + 3
    db.session.add_all(
        AuditEvent(actor_id=admin.id, action="council.updated", object_type="council", object_id=n,
                   changes={"name": ["Anglesey", "Ynys Môn"]})
        for n in range(count)
    )
    db.session.commit()

    response = admin_client.get("/admin/audit/audit.csv")

    assert response.is_streamed
    assert as_served(admin_client, "/admin/audit/audit.csv") == response.data
    rows = rows_of(response.data)
    assert rows[0] == ["When", "Who", "Email", "Action", "Object", "Object id", "What changed"]
    assert len(rows) == count + 1
    assert [int(row[5]) for row in rows[1:]] == sorted(range(count), reverse=True)
    assert rows[1][1] == admin.name


def test_every_export_downloads_as_served_what_it_downloads_in_a_test(app, admin, login, programme_of_size):
    from tests.reports.test_query_counts import dashboard_urls

    world = programme_of_size(1)
    downloads = {name: (who, url) for name, (who, url) in dashboard_urls(world).items() if url.endswith(".csv")}
    downloads |= {"certificates csv": ("admin", "/admin/certificates.csv"), "audit csv": ("admin", "/admin/audit/audit.csv"),
                  "nominations csv": ("admin", f"/admin/intakes/{world.intakes[0].id}/nominations.csv")}
    clients = {}
    for name, (who, url) in downloads.items():
        person = admin if who == "admin" else who
        if person.id not in clients:
            clients[person.id] = login(person)  # once each: signing in is rate limited
        client = clients[person.id]
        in_the_test = client.get(url)
        assert in_the_test.status_code == 200, name
        assert as_served(client, url) == in_the_test.data, name
