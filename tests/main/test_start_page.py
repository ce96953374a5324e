"""The start page at / for someone not signed in, and the help and contact page."""

from tests.factories import make_user
from tests.pages import parse


def test_someone_not_signed_in_gets_the_start_page_with_no_banner_and_a_signed_in_person_their_home(client, login):
    response = client.get("/")
    assert response.status_code == 200
    page = parse(response)
    assert page.h1.get_text() == "Digital Leadership Programme"
    text = page.main.get_text(" ", strip=True)
    assert "Who can take part" in text and "signed the Local Digital Declaration" in text
    assert "How nomination works" in text
    start = page.select_one("main a.govuk-button--start")
    assert (start.get_text(strip=True), start["href"]) == ("Sign in", "/sign-in")
    assert page.main.find("a", string="Check a certificate")["href"] == "/verify"
    assert page.select_one(".govuk-notification-banner") is None

    home = parse(login(make_user("participant", name="Nia Evans")).get("/"))
    assert home.h1.get_text() == "Welcome, Nia Evans"


def test_the_footer_links_to_help_and_to_checking_a_certificate(client):
    footer = parse(client.get("/privacy")).footer
    links = {a.get_text(strip=True): a["href"] for a in footer.select("a")}
    assert links["Help and contact"] == "/help"
    assert links["Check a certificate"] == "/verify"


def test_the_help_page_gives_the_contact_address_from_config(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "team@lms.test")
    page = parse(client.get("/help"))
    assert page.h1.get_text() == "Help and contact"
    assert page.main.select_one('a[href="mailto:team@lms.test"]').get_text() == "team@lms.test"
    assert page.main.find("a", string="reset your password")["href"] == "/forgotten-password"


def test_the_privacy_notice_says_what_checking_a_certificate_shows(client):
    text = parse(client.get("/privacy")).main.get_text(" ", strip=True)
    assert "they see your name, your council, the programme and course, the date you completed it" in text
