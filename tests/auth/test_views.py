import re

from flask import g

from app.auth.models import User
from app.auth.services import send_requested_resets
from app.extensions import db
from app.mail.delivery import deliver_pending
from config import TestingConfig
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_council, make_user
from tests.pages import parse



def link_in(smtp, address: str) -> str:
    (message,) = smtp.to(address)
    match = re.search(r"http://lms\.test(/\S+)", smtp.text(message))
    assert match, "no link in the email"
    return match.group(1)


def test_invitation_then_set_password_signs_in_over_real_smtp(admin_client, smtp, client):
    council = make_council("Adur District Council")
    response = admin_client.post(
        "/admin/people/invite",
        data={"name": "Nia Evans", "email": "Nia.Evans@adur.gov.uk", "roles": ["council_lead"], "council": str(council.id)},
    )
    assert response.status_code == 302
    assert deliver_pending()["sent"] == 1
    (message,) = smtp.to("nia.evans@adur.gov.uk")
    assert message["Subject"] == "Set up your Digital Leadership Programme account"
    link = link_in(smtp, "nia.evans@adur.gov.uk")

    form = client.get(link)
    assert "Welcome, Nia Evans" in parse(form).get_text()
    done = client.post(link, data={"password": "a walk by the river", "confirm": "a walk by the river"})
    home = client.get(done.headers["Location"])
    assert "Welcome, Nia Evans" in parse(home).h1.get_text()
    assert "Your password is set and you are signed in." in parse(home).get_text()
    assert "for Adur District Council" in parse(home).get_text()

    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in parse(again).h1.get_text()

    client.post("/sign-out", data={"csrf_token": csrf_token_from(home.get_data(as_text=True))})
    signed_in = client.post("/sign-in", data={"email": "nia.evans@adur.gov.uk", "password": "a walk by the river"})
    assert signed_in.status_code == 302


def test_set_password_refuses_a_weak_password_and_keeps_the_page(client):
    user = make_user("participant", password=None)
    from app.auth.services import make_token

    response = client.post(
        f"/set-password/{make_token(user, 'invitation')}", data={"password": "password123", "confirm": "password123"}
    )
    soup = parse(response)
    assert soup.title.get_text().startswith("Error: ")
    assert "too common" in soup.select_one(".govuk-error-summary").get_text()
    assert "too common" in soup.select_one("#password-error").get_text()


def test_reset_gives_the_same_answer_for_known_and_unknown_addresses(client, smtp):
    user = make_user("facilitator", email="known@programme.example")
    known = client.post("/forgotten-password", data={"email": "KNOWN@programme.example"})
    unknown = client.post("/forgotten-password", data={"email": "nobody@programme.example"})
    strip = lambda r: parse(r).select_one("main").get_text().replace("KNOWN@programme.example", "X").replace("nobody@programme.example", "X")  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    send_requested_resets()  # the scheduler's delivery job does this before sending
    db.session.commit()
    deliver_pending()
    assert [m["To"] for m in smtp.messages] == ["known@programme.example"]

    link = link_in(smtp, "known@programme.example")
    client.post(link, data={"password": "a new long passphrase", "confirm": "a new long passphrase"})
    assert client.post("/sign-in", data={"email": user.email, "password": "a new long passphrase"}).status_code == 302


def test_a_wrong_password_says_so_beside_the_field_and_keeps_the_email(client):
    make_user("admin", email="priya@programme.example")
    response = client.post("/sign-in", data={"email": "priya@programme.example", "password": "nope-nope-nope"})
    soup = parse(response)
    assert response.status_code == 200
    assert "The email address or password is not right" in soup.select_one("#password-error").get_text()
    assert soup.select_one("#email")["value"] == "priya@programme.example"


def test_sign_in_is_rate_limited_per_address(client):
    make_user("admin", email="priya@programme.example")
    for _ in range(5):
        client.post("/sign-in", data={"email": "priya@programme.example", "password": "wrong-wrong-wrong"})
    blocked = client.post("/sign-in", data={"email": "Priya@programme.example", "password": "correct-horse-battery"})
    assert blocked.status_code == 429
    assert "wait 15 minutes" in parse(blocked).get_text()
    other = client.post("/sign-in", data={"email": "someone@programme.example", "password": "x-x-x-x-x-x"})
    assert other.status_code == 200


def test_sign_in_is_rate_limited_per_ip(app, client):
    cap = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    for n in range(cap):
        client.post("/sign-in", data={"email": f"guess{n}@programme.example", "password": "wrong-wrong-wrong"})
    assert client.post("/sign-in", data={"email": "new@programme.example", "password": "x"}).status_code == 429


def test_a_post_without_a_csrf_token_is_refused(client, csrf_enabled):
    user = make_user("admin")
    response = client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 400
    assert "Your form could not be sent" in parse(response).get_text()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    ok = client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert ok.status_code == 302


def test_a_sessions_form_token_works_on_its_every_page_and_in_no_other_session(app, client, csrf_enabled):
    user = make_user("admin")

    def token_on(browser, path):
        g.pop("csrf_token", None)  # each request has its own g when served; the tests share one
        return csrf_token_from(browser.get(path).get_data(as_text=True))

    first = token_on(client, "/sign-in")
    stranger = app.test_client()
    assert token_on(stranger, "/sign-in") != first
    g.pop("csrf_token", None)
    refused = stranger.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery",
                                              "csrf_token": first})
    assert refused.status_code == 400
    assert client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery",
                                         "csrf_token": first}).status_code == 302
    again = token_on(client, "/help")
    assert client.post("/sign-out", data={"csrf_token": again}).status_code == 302
    assert "You have signed out" in client.get("/sign-in").get_data(as_text=True)


def test_change_password_checks_the_current_one(login):
    user = make_user("facilitator")
    client = login(user)
    wrong = client.post(
        "/account/password",
        data={"current_password": "not-it-at-all", "password": "a brand new phrase", "confirm": "a brand new phrase"},
    )
    assert "Your current password is not right" in parse(wrong).select_one("#current_password-error").get_text()
    right = client.post(
        "/account/password",
        data={"current_password": "correct-horse-battery", "password": "a brand new phrase", "confirm": "a brand new phrase"},
    )
    assert right.status_code == 302


def test_sign_out_is_a_post(login):
    client = login(make_user("participant"))
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account/password").status_code == 302


def test_inviting_an_existing_address_is_an_error_beside_the_field(admin_client):
    make_user("facilitator", email="taken@programme.example")
    response = admin_client.post(
        "/admin/people/invite", data={"name": "Someone", "email": "Taken@programme.example", "roles": ["facilitator"], "council": ""}
    )
    soup = parse(response)
    assert "taken@programme.example already has an account" in soup.select_one("#email-error").get_text()
    assert soup.select_one("#name")["value"] == "Someone"
    assert db.session.query(User).count() == 2


def test_people_list_searches_and_pages(admin_client):
    for n in range(30):
        make_user("facilitator", name=f"Facilitator {n:02d}")
    first = parse(admin_client.get("/admin/people"))
    assert len(first.select("tbody tr")) == 25
    assert first.select_one(".govuk-pagination")
    found = parse(admin_client.get("/admin/people?q=facilitator 07"))
    assert [td.get_text() for td in found.select("tbody tr td:first-child")] == ["Facilitator 07"]


# Sign-in limits count failures, per account and per client address -----------------------


def sign_out(client):
    assert client.post("/sign-out").status_code == 302


def test_correct_sign_ins_never_lock_anyone_out(client):
    user = make_user("participant")
    for _ in range(8):
        assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
        sign_out(client)


def test_people_of_one_office_sharing_an_address_do_not_lock_each_other_out(client):
    people = [make_user("participant") for _ in range(25)]
    for person in people:  # each mistypes once, then signs in
        assert client.post("/sign-in", data={"email": person.email, "password": "mistyped-it"}).status_code == 200
        assert client.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 302
        sign_out(client)


def behind_a_proxy(app, hops: int):
    """Another app on the same database, trusting `hops` reverse proxies."""
    from app import create_app

    config = {key: value for key, value in app.config.items() if key.isupper()} | {"TRUSTED_PROXIES": hops}
    return create_app(type("Proxied", (TestingConfig,), config))


def test_behind_a_trusted_proxy_the_limits_count_each_client_address(app):
    proxied = behind_a_proxy(app, 1)
    cap = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])
    office = {"X-Forwarded-For": "203.0.113.7"}
    home = {"X-Forwarded-For": "198.51.100.20"}
    client = proxied.test_client()
    for n in range(cap):
        client.post("/sign-in", data={"email": f"guess{n}@programme.example", "password": "wrong"}, headers=office)
    assert client.post("/sign-in", data={"email": "x@programme.example", "password": "x"}, headers=office).status_code == 429
    assert client.post("/sign-in", data={"email": "x@programme.example", "password": "x"}, headers=home).status_code == 200
    # The app that trusts no proxy counts every forwarded address as the one it sees.
    plain = app.test_client()
    for n in range(cap):
        forwarded = {"X-Forwarded-For": f"203.0.113.{n % 250}"}
        plain.post("/sign-in", data={"email": f"guess{n}@programme.example", "password": "wrong"}, headers=forwarded)
    refused = plain.post("/sign-in", data={"email": "x@programme.example", "password": "x"}, headers=home)
    assert refused.status_code == 429


# The page after signing in is always on this site --------------------------------------------


def test_sign_in_goes_on_to_the_page_asked_for_but_never_to_another_site(app):
    user = make_user("participant")
    asked = app.test_client().post("/sign-in?next=/progress%3Fcohort%3D2", data={"email": user.email, "password": PASSWORD})
    assert asked.headers["Location"] == "/progress?cohort=2"
    for target in ("//evil.example", "/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example",
                   "https://evil.example/", "javascript:alert(1)"):
        client = app.test_client()
        response = client.post(f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target


# Password reset ------------------------------------------------------------------------------


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(client, smtp):
    from app.auth.models import PasswordResetRequest

    make_user("facilitator", email="known@programme.example")
    client.post("/forgotten-password", data={"email": "known@programme.example"})
    client.post("/forgotten-password", data={"email": "nobody@programme.example"})
    queued = db.session.scalars(db.select(PasswordResetRequest.email).order_by(PasswordResetRequest.id)).all()
    assert queued == ["known@programme.example", "nobody@programme.example"]
    assert send_requested_resets() == {"reset requests": 2, "reset links": 1}
    db.session.commit()
    deliver_pending()
    assert [m["To"] for m in smtp.messages] == ["known@programme.example"]
    assert db.session.scalar(db.select(db.func.count(PasswordResetRequest.id))) == 0


def test_reset_requests_for_one_address_are_limited(client):
    for _ in range(3):
        assert client.post("/forgotten-password", data={"email": "known@programme.example"}).status_code == 200
    assert client.post("/forgotten-password", data={"email": "Known@programme.example"}).status_code == 429
