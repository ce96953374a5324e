"""How fast the outbox delivers, against raw smtplib sending the same emails over one connection.

    .venv/bin/python bench/delivery.py [N]        # N messages (default 500); DATABASE_URL to use PostgreSQL

The raw side sends bytes built and flattened before its clock starts, so it does nothing but
talk SMTP: the strictest baseline. Delivery builds each email as it sends it.

Both send to a local aiosmtpd server that accepts everything, in a process of its own as a
real relay would be (in this one it would compete for the interpreter). Delivery does all it does in
production (lease, shared pace, a deadline per message, a commit per batch of slots); the rate is
set high enough that the pace never waits. Prints each one's messages a second and the ratio.
"""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.mail.delivery import deliver_pending  # noqa: E402
from app.mail.mime import build_email  # noqa: E402
from app.mail.models import OutboxMessage, OutboxStatus  # noqa: E402
from app.mail.services import queue_email  # noqa: E402
from config import Config  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen:
    """aiosmtpd's Sink, which accepts every message and keeps none, once it is listening."""
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                             "-l", f"127.0.0.1:{port}"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise RuntimeError("the SMTP sink did not start")


def main(count: int) -> None:
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-delivery-"))

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
        STORAGE_DIR = str(folder / "storage")
        MAIL_FILE_DIR = str(folder / "mail")
        MAIL_BACKEND, MAIL_SERVER, MAIL_PORT = "smtp", "127.0.0.1", port
        MAIL_RATE_PER_MINUTE = 10_000_000  # one run claims them all, and the pace never waits
        MAIL_RUN_SECONDS = 3600
        BASE_URL = "http://lms.test"

    sink = start_sink(port)
    app = create_app(BenchConfig)
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            for n in range(count):
                queue_email(to=f"person{n}@example.gov.uk", kind="password_reset", template="auth/password_reset",
                            context={"link": "http://lms.test/x", "hours": 2})
            db.session.commit()
            sender = app.config["MAIL_DEFAULT_SENDER"]
            emails = [build_email(m, sender) for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id)]

            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, local_hostname="lms.test") as smtp:
                for email in emails:
                    smtp.sendmail(email.sender, [email.recipient], email.data)
            raw = time.perf_counter() - started

            started = time.perf_counter()
            sent = deliver_pending()["sent"]
            ours = time.perf_counter() - started
            assert sent == count == db.session.query(OutboxMessage).filter_by(status=OutboxStatus.SENT).count()
            db.session.remove()
            db.drop_all()
    finally:
        sink.terminate()
        sink.wait()
    print(f"raw smtplib, one connection: {count / raw:8.1f} messages a second")
    print(f"deliver_pending:             {count / ours:8.1f} messages a second")
    print(f"ratio: {raw / ours:.2f} (goal 0.5 or more)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
