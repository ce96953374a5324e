"""How long /forgotten-password takes for an address with an account and one without.

Run: `PYTHONPATH=. .venv/bin/python bench/reset_timing.py [DATABASE_URL]` (a throwaway SQLite file by default).
Prints the median and spread of each over many requests; they should match within noise.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from app import create_app
from app.auth.models import RoleGrant, Role, User
from app.auth.services import set_password
from app.extensions import db
from config import TestingConfig

ROUNDS = 300


def main() -> None:
    folder = tempfile.mkdtemp()
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder}/bench.sqlite3"
    config = type(
        "Bench",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "STORAGE_DIR": folder, "MAIL_FILE_DIR": folder, "RATELIMIT_ENABLED": False},
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(email="known@programme.example", name="Known", grants=[RoleGrant(role=Role.FACILITATOR)])
        set_password(user, "correct-horse-battery")
        db.session.add(user)
        db.session.commit()
        client = app.test_client()
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for n in range(ROUNDS):
            # Alternate, so drift in the machine's load falls on both alike.
            for label, email in (("known", "known@programme.example"), ("unknown", f"nobody{n}@programme.example")):
                started = time.perf_counter()
                response = client.post("/forgotten-password", data={"email": email})
                timings[label].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        for label, values in timings.items():
            values.sort()
            print(
                f"{label:8} median {statistics.median(values):6.2f} ms  "
                f"p10 {values[len(values) // 10]:6.2f}  p90 {values[len(values) * 9 // 10]:6.2f}"
            )
        db.drop_all()


if __name__ == "__main__":
    main()
