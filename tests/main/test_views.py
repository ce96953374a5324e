import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app import create_app
from config import TestingConfig
from tests.factories import make_user
from tests.pages import parse

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not used"}


def test_healthz_says_503_when_the_database_is_unreachable():
    class Unreachable(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"

    app = create_app(Unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_security_headers_are_set(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production")


def test_production_sends_hsts_and_secure_cookies():
    from config import ProductionConfig

    class Production(ProductionConfig):
        SECRET_KEY = "a-real-secret-of-forty-characters-or-so"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_STORAGE_URI = "memory://"

    app = create_app(Production)
    response = app.test_client().get("/sign-in")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_no_crown_no_govuk_logotype_no_gds_transport(login):
    html = login(make_user("admin")).get("/").get_data(as_text=True)
    css = (ROOT / "app" / "static" / "css" / "main.css").read_text()
    for text in (html, css):
        assert "GDS Transport" not in text
        assert "@font-face" not in text
    assert "govuk-header__logotype" not in html
    assert "crest" not in html.lower() and "crown" not in html.lower()
    assert "govuk-generic-header" in html


def test_the_information_pages_are_public_and_real(client):
    for url, heading, says in [
        ("/accessibility", "Accessibility statement for the Digital Leadership Programme", "Web Content Accessibility Guidelines version 2.2 AA"),
        ("/privacy", "Privacy notice", "lawful basis"),
        ("/cookies", "Cookies", "We do not use analytics or advertising cookies"),
    ]:
        page = BeautifulSoup(client.get(url).data, "html.parser")
        assert page.h1.get_text() == heading
        assert says in page.select_one("main").get_text()


def test_an_unknown_page_is_our_own_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in BeautifulSoup(response.data, "html.parser").h1.get_text()


def test_navigation_depends_on_the_role(login):
    admin_nav = BeautifulSoup(login(make_user("admin")).get("/").data, "html.parser")
    participant_nav = BeautifulSoup(login(make_user("participant")).get("/").data, "html.parser")
    links = lambda page: [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__link")]  # noqa: E731
    assert links(admin_nav) == ["Home", "Councils", "People", "Intakes", "Nominations", "Courses", "Cohorts", "Certificates", "Reports"]
    assert links(participant_nav) == ["Home", "Learning", "Timetable", "Progress"]


# Redis: the limits' store may go away without taking sign-in with it -------------------------


@pytest.fixture
def redis_gone(app):
    """An app whose Redis refuses connections; the shared limiter is put back afterwards."""
    from app.extensions import limiter

    saved = limiter._storage, limiter._limiter, limiter._storage_dead
    config = {key: value for key, value in app.config.items() if key.isupper()} | {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    yield create_app(type("RedisGone", (TestingConfig,), config))
    limiter._storage, limiter._limiter, limiter._storage_dead = saved


def test_without_redis_sign_in_and_verify_still_work_and_the_log_says_so(redis_gone, caplog):
    user = make_user("participant")
    client = redis_gone.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        signed_in = client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery"})
    assert signed_in.status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    checked = client.post("/verify", data={"code": "DLP-2222-3333-4444-5555"})
    assert checked.headers["Location"] == "/verify/DLP-2222-3333-4444-5555"
    assert "Certificate not found" in parse(client.get(checked.headers["Location"])).h1.get_text()


def test_without_redis_the_limits_still_hold(redis_gone):
    user = make_user("participant")
    client = redis_gone.test_client()
    for _ in range(5):
        client.post("/sign-in", data={"email": user.email, "password": "wrong-wrong-wrong"})
    assert client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery"}).status_code == 429


def test_healthz_reports_redis_unavailable_but_stays_up_while_the_database_answers(redis_gone):
    response = redis_gone.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "unavailable"}


# Production's secret key ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["dev-only-not-secret", "x", "a" * 31])
def test_production_refuses_the_development_key_and_short_keys(key):
    from config import ProductionConfig

    class Production(ProductionConfig):
        SECRET_KEY = key
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_STORAGE_URI = "memory://"

    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production to a random value of 32 characters or more"):
        create_app(Production)


# Nothing a signed-in person sees is kept in a cache --------------------------------------------


def test_signed_in_pages_and_csv_exports_are_not_stored_but_public_pages_and_assets_may_be(admin_client, client):
    for url in ("/", "/admin/people", "/admin/audit/audit.csv"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert "Cache-Control" not in client.get("/accessibility").headers
    assert "no-store" not in client.get("/static/css/main.css").headers.get("Cache-Control", "")
