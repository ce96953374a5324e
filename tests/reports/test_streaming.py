"""The big exports stream: the response is written as the rows are read, batch by batch."""

import csv
import io

from app.audit.models import AuditEvent
from app.audit.services import BATCH as AUDIT_BATCH
from app.extensions import db
from app.intakes.export import BATCH as NOMINATION_BATCH
from app.intakes.models import Nomination
from tests.factories import make_council, make_intake, make_user


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
    rows = rows_of(response.data)
    assert rows[0] == ["When", "Who", "Email", "Action", "Object", "Object id", "What changed"]
    assert len(rows) == count + 1
    assert [int(row[5]) for row in rows[1:]] == sorted(range(count), reverse=True)
    assert rows[1][1] == admin.name
