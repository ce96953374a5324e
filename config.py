"""Configuration: one class per environment, every setting overridable from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

#: The key development and tests run with; production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"
#: The shortest SECRET_KEY production accepts.
MIN_SECRET_KEY_LENGTH = 32

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every environment."""

    SERVICE_NAME = "Digital Leadership Programme"
    #: Where people write to the programme team: the help page, the footer and error pages.
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "digital-leadership@programme.example")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")

    # Email: "smtp" sends over a socket; "file" writes each message under MAIL_FILE_DIR.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Digital Leadership Programme <noreply@digital-leadership.example>"
    )
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE_DIR / "mail"))
    #: A temporary failure (4xx, no connection) is retried, backing off to hourly, until the
    #: message is this old; then it fails and shows on the outbox page.
    MAIL_RETRY_HOURS = _env_int("MAIL_RETRY_HOURS", 24)
    #: Mail providers block senders that burst: never more than this a minute, evenly spaced,
    #: counted across every sender.
    MAIL_RATE_PER_MINUTE = _env_int("MAIL_RATE_PER_MINUTE", 120)
    #: One message may take this long, however slowly the relay answers; one delivery run
    #: starts no new message after this.
    MAIL_SEND_SECONDS = _env_int("MAIL_SEND_SECONDS", 20)
    MAIL_RUN_SECONDS = _env_int("MAIL_RUN_SECONDS", 25)

    STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "storage"))
    COURSES_DIR = os.environ.get("COURSES_DIR", str(BASE_DIR / "courses"))
    CERTIFICATES_DIR = os.environ.get("CERTIFICATES_DIR", str(BASE_DIR / "certificates"))

    PASSWORD_HASH_METHOD = "scrypt"
    INVITATION_MAX_AGE_DAYS = _env_int("INVITATION_MAX_AGE_DAYS", 14)
    PASSWORD_RESET_MAX_AGE_HOURS = _env_int("PASSWORD_RESET_MAX_AGE_HOURS", 2)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: Off only for benchmarks (bench/pages.py), which request /verify faster than anyone may.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    #: If Redis stops answering, count in this process's memory (with a warning in the log)
    #: and go back to Redis when it answers again, rather than refuse to sign anyone in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Failed sign-ins only: per account, and per client address with a higher cap, so that
    #: the people of one office sharing an address do not lock each other out.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "100 per 15 minutes")
    #: Password reset requests, per address asked about and per client address.
    RESET_LIMIT_PER_ADDRESS = os.environ.get("RESET_LIMIT_PER_ADDRESS", "3 per hour")
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "20 per 15 minutes")
    #: How many reverse proxies in front of the app set X-Forwarded-For and -Proto; 0 trusts
    #: none, so a client cannot choose the address its limits are counted under.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    #: A session ends this long after signing in, however busy, and after this long unused.
    SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 120)
    #: Flask refuses any session cookie older than this (it is re-signed on every request).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_MAX_HOURS)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the signed session
    #: A whole request: a file of up to 10 MB (app.assessments.uploads.MAX_BYTES) and the typed
    #: answer beside it (50,000 characters, at most 200 KB). A file over 10 MB but within this
    #: gets the error beside the field with the answer kept; the browser refuses bigger ones.
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    HSTS = False
    #: How long a scheduler holds its lock without renewing it before another takes over.
    SCHEDULER_LEASE_SECONDS = _env_int("SCHEDULER_LEASE_SECONDS", 30)
    SCHEDULER_PLAN_SECONDS = _env_int("SCHEDULER_PLAN_SECONDS", 300)
    SCHEDULER_DELIVER_SECONDS = _env_int("SCHEDULER_DELIVER_SECONDS", 30)
    SCHEDULER_SWEEP_SECONDS = _env_int("SCHEDULER_SWEEP_SECONDS", 900)
    #: How often the report pages' figures are counted again.
    SCHEDULER_REPORTS_SECONDS = _env_int("SCHEDULER_REPORTS_SECONDS", 300)
    #: How often cohorts' old changes are folded away (app/cohorts/changes.py).
    SCHEDULER_COMPACT_SECONDS = _env_int("SCHEDULER_COMPACT_SECONDS", 3600)
    #: A job running longer than this is stuck: its process gives the lock to a standby.
    SCHEDULER_STUCK_SECONDS = _env_int("SCHEDULER_STUCK_SECONDS", 600)
    #: Facilitators who chose a daily digest get it from this hour, UK time.
    DIGEST_HOUR = _env_int("DIGEST_HOUR", 7)


class DevelopmentConfig(Config):
    """The zero-set-up default: SQLite under instance/, mail written to files."""

    DEBUG = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    #: Links in emails, calendars and certificates point at the port `bin/run` serves.
    BASE_URL = os.environ.get("BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")


class TestingConfig(Config):
    """A throwaway database per run; PostgreSQL when TEST_DATABASE_URL is set."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BASE_URL = "http://lms.test"
    MAIL_BACKEND = "smtp"
    RATELIMIT_STORAGE_URI = "memory://"
    #: A quick hash: tests sign in hundreds of times.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = False  # switched on by the tests that check it, and for the browser
    #: Quick slots, so tests that send many messages don't wait for the pace.
    MAIL_RATE_PER_MINUTE = 6000


class ProductionConfig(Config):
    """Secure cookies, HSTS, Redis for rate limits; refuses to start without a secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    #: A Redis that has gone away costs a sign-in a second at most, not a hung worker.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing, short or development secret key."""
        key = cls.SECRET_KEY or ""
        if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be set in production to a random value of {MIN_SECRET_KEY_LENGTH} "
                "characters or more, not the development key. Make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
