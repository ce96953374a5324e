"""Sessions end when they should: a copied cookie stops working once its session is over."""

import time_machine

from app.auth.services import make_token
from tests.factories import PASSWORD, make_user
from tests.pages import parse

NEW_PASSWORD = "a brand new phrase"


def copy_of(client, app):
    """Another browser holding a copy of `client`'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200  # "/" is the start page for anyone


def test_a_copy_of_the_cookie_stops_working_when_its_owner_signs_out(app, login):
    owner = login(make_user("participant"))
    thief = copy_of(owner, app)
    assert is_signed_in(thief)
    owner.post("/sign-out")
    assert not is_signed_in(thief)
    assert not is_signed_in(owner)


def test_signing_out_says_every_other_device_is_signed_out_too(login):
    page = login(make_user("participant")).post("/sign-out", follow_redirects=True)
    assert "You are signed out on any other device too." in parse(page).get_text()


def test_changing_the_password_signs_out_every_other_session_but_this_one(app, login):
    user = make_user("facilitator")
    here, elsewhere = login(user), login(user)
    response = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


def test_resetting_the_password_signs_out_every_session(app, login, client):
    user = make_user("facilitator")
    signed_in = login(user)
    token = make_token(user, "reset")
    client.post(f"/reset-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not is_signed_in(signed_in)


def test_a_session_ends_after_two_hours_unused(login):
    with time_machine.travel("2027-03-01 09:00:00+00:00", tick=False) as clock:
        client = login(make_user("participant"))
        clock.move_to("2027-03-01 10:59:00+00:00")
        assert is_signed_in(client)  # used, so the two hours start again
        clock.move_to("2027-03-01 12:58:00+00:00")
        assert is_signed_in(client)
        clock.move_to("2027-03-01 14:59:00+00:00")
        assert not is_signed_in(client)


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(login):
    with time_machine.travel("2027-03-01 08:00:00+00:00", tick=False) as clock:
        client = login(make_user("participant"))
        for hour in range(9, 20):
            clock.move_to(f"2027-03-01 {hour}:59:00+00:00")
            assert is_signed_in(client)
        clock.move_to("2027-03-01 20:00:00+00:00")
        assert not is_signed_in(client)
