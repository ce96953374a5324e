"""Key pages against /healthz under gunicorn: `python -m bench.pages URL_1X [URL_10X]`.

For each database (made by bench.generate) it starts gunicorn with two workers, signs in as
the demo admin, facilitator, council lead and participant, and requests each key page from
four threads for a few seconds. It prints each page's throughput as a share of /healthz's,
its p95, each worker's memory, and with two databases how much each p95 grew.

The seconds are split into rounds, and in each round /healthz is asked just before the page:
a page's share is the median of its rounds' shares, so that a busy spell on a shared machine
(which can halve /healthz's own rate from one minute to the next) falls on both sides of one
round rather than on one page. With two databases both servers run at once and take turns,
round by round, so that a page's p95 at 1x and at 10x are measured in the same minute.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "leading-digital-change"
LOGINS = {
    "admin": "admin@demo.digital-leadership.example",
    "facilitator": "facilitator@demo.digital-leadership.example",
    "lead": "lead@adur-worthing.example.gov.uk",
    "participant": "participant@adur-worthing.example.gov.uk",
}
THREADS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def key_pages(database_url: str) -> list[tuple[str, str | None, str]]:
    """(name, who, path) for each key page, with ids from the generated programme."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql)).scalar_one()  # noqa: E731
        intake = one("SELECT id FROM intake WHERE name = 'Bench intake 4'")
        cohort = one("SELECT c.id FROM cohort c JOIN cohort_facilitator f ON f.cohort_id = c.id "
                     "JOIN \"user\" u ON u.id = f.user_id WHERE u.email = 'facilitator@demo.digital-leadership.example' "
                     "AND c.name LIKE 'Bench%' ORDER BY c.id LIMIT 1")
        code = one("SELECT code FROM certificate ORDER BY id DESC LIMIT 1")
        lesson = connection.execute(text(
            "SELECT c.slug, m.slug, l.slug FROM lesson l JOIN module m ON m.id = l.module_id "
            "JOIN course_version v ON v.id = m.version_id JOIN course c ON c.id = v.course_id "
            "ORDER BY v.id DESC, m.position, l.position LIMIT 1")).one()
    engine.dispose()
    return [
        ("healthz", None, "/healthz"),
        ("overview", "admin", "/admin/reports/"),
        ("intake report", "admin", f"/admin/reports/intakes/{intake}"),
        ("councils", "admin", f"/admin/reports/intakes/{intake}/councils"),
        ("queue", "admin", "/admin/nominations/"),
        ("cohort dashboard", "facilitator", f"/cohorts/{cohort}/dashboard"),
        ("attendance matrix", "facilitator", f"/cohorts/{cohort}/attendance"),
        ("participant home", "participant", "/learning/"),
        ("lesson", "participant", "/learning/{}/{}/{}".format(*lesson)),
        ("our people", "lead", "/our-people/"),
        ("audit", "admin", "/admin/audit/"),
        ("verify", None, f"/verify/{code}"),
    ]


def request(port: int, method: str, path: str, cookie: str = "", body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def sign_in(port: int, email: str) -> str:
    """The session cookie of a signed-in person."""
    response, content = request(port, "GET", "/sign-in")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', content).group(1).decode()
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    response, _ = request(port, "POST", "/sign-in", cookie, body)
    assert response.status == 302, f"signing in as {email} failed: {response.status}"
    return next(value.split(";")[0] for value in response.msg.get_all("Set-Cookie") if value.startswith("session="))


def hammer(port: int, path: str, cookie: str, seconds: float) -> tuple[float, list[float]]:
    """Requests per second from THREADS threads for `seconds`, and every latency."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response, _ = request(port, "GET", path, cookie)
            assert response.status == 200, f"{path}: {response.status}"
            latencies.append(time.perf_counter() - started)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - started), latencies


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(0.95 * (len(ordered) - 1))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    """gunicorn serving one database, with the key pages' paths there and who is signed in."""

    database_url: str
    port: int
    process: subprocess.Popen
    pages: list[tuple[str, str | None, str]] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)

    def workers_rss(self) -> list[float]:
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [rss_mb(int(pid)) for pid in children.split()]


def start(database_url: str) -> Server:
    """gunicorn on the database (two workers, production settings), answering, with everyone signed in."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, FLASK_CONFIG="production", SECRET_KEY=secrets.token_urlsafe(48),
               RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED="0", MAIL_BACKEND="file")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    server = Server(database_url, port, process)
    for _ in range(300):
        try:
            if request(port, "GET", "/healthz")[0].status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        stop(server)
        sys.exit("gunicorn did not answer /healthz within a minute: see its errors above")
    server.pages = key_pages(database_url)
    server.cookies = {who: sign_in(port, email) for who, email in LOGINS.items()}
    return server


def stop(server: Server) -> None:
    os.killpg(server.process.pid, signal.SIGTERM)
    server.process.wait()


def measure(servers: list[Server], seconds: float, rounds: int) -> list[dict[str, tuple[float, float]]]:
    """Each page's (share of /healthz, p95) on each server. The servers take turns, round by
    round, so that the 1x and 10x figures of a page are measured in the same minute."""
    results: list[dict[str, tuple[float, float]]] = [{} for _ in servers]
    for index, name in enumerate(page[0] for page in servers[0].pages):
        shares: list[list[float]] = [[] for _ in servers]
        latencies: list[list[float]] = [[] for _ in servers]
        for server in servers:
            _, who, path = server.pages[index]
            hammer(server.port, path, server.cookies.get(who, ""), 0.5)  # warm each worker
        for _ in range(rounds):
            for server, its_shares, its_latencies in zip(servers, shares, latencies):
                _, who, path = server.pages[index]
                baseline, _ = hammer(server.port, "/healthz", "", seconds / rounds)
                rate, some = hammer(server.port, path, server.cookies.get(who, ""), seconds / rounds)
                its_shares.append(rate / baseline)
                its_latencies += some
        for figures, its_shares, its_latencies in zip(results, shares, latencies):
            figures[name] = (statistics.median(its_shares), p95(its_latencies))
        print(f"  {name:18} shares " + " | ".join(" ".join(f"{x:.2f}" for x in its) for its in shares), file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", help="the 1x database URL, then optionally the 10x one")
    parser.add_argument("--seconds", type=float, default=6.0, help="how long each page is requested on each database")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of /healthz then the page")
    args = parser.parse_args(argv)
    servers = []
    try:
        for url in args.databases:
            servers.append(start(url))
        runs = measure(servers, args.seconds, args.rounds)
        memory = [server.workers_rss() for server in servers]
    finally:
        for server in servers:
            stop(server)
    header = "page                ratio  p95 ms" + ("   | 10x ratio  p95 ms  p95 growth" if len(runs) > 1 else "")
    print(header)
    for name in runs[0]:
        cells = [f"{share:5.2f}  {1000 * tail:6.1f}" for share, tail in (results[name] for results in runs)]
        growth = f"  {runs[1][name][1] / runs[0][name][1]:5.2f}x" if len(runs) > 1 else ""
        print(f"{name:18} " + "   |     ".join(cells) + growth)
    for url, workers in zip(args.databases, memory):
        print(f"worker RSS on {url.rsplit('/', 1)[-1]}: " + ", ".join(f"{mb:.0f} MB" for mb in workers))


if __name__ == "__main__":
    main()
