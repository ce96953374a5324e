"""How long the big CSV exports take, and whether they stream: `python -m bench.exports URL`.

Against a programme made by bench.generate, it downloads the whole intake's nominations and
the audit log as the programme team would, through Flask's test client in this process, and
prints each one's time, size and how far the process's memory rose while it streamed (flat
memory: a rise much smaller than the file).
"""

from __future__ import annotations

import argparse
import resource
import time

from sqlalchemy import create_engine, text

from bench.pages import LOGINS, PASSWORD
from bench.profile import bench_app


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def exports(database_url: str) -> list[tuple[str, str]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        intake = connection.execute(text("SELECT id FROM intake WHERE name = 'Bench intake 4'")).scalar_one()
    engine.dispose()
    return [
        ("intake nominations", f"/admin/intakes/{intake}/nominations.csv"),
        ("audit log", "/admin/audit/audit.csv"),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    args = parser.parse_args(argv)
    app = bench_app(args.database_url)
    client = app.test_client()
    client.post("/sign-in", data={"email": LOGINS["admin"], "password": PASSWORD})
    for name, path in exports(args.database_url):
        before = peak = rss_mb()
        started = time.perf_counter()
        response = client.get(path, buffered=False)
        assert response.status_code == 200, (name, response.status_code)
        size = 0
        for n, chunk in enumerate(response.response):
            size += len(chunk)
            if n % 500 == 0:
                peak = max(peak, rss_mb())
        response.close()
        seconds = time.perf_counter() - started
        print(f"{name:20s} {seconds:6.2f} s  {size / 2**20:6.1f} MB  memory rose {max(peak, rss_mb()) - before:5.1f} MB")


if __name__ == "__main__":
    main()
