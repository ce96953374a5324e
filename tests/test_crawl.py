"""Every link on every page the demo shows, for each demo login and for someone signed out,
leads somewhere: no link answers 404 or 500, and no page reached by a link fails."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from app import demo
from app.cohorts.demo import DEMO_PASSWORD
from app.extensions import db
from tests.pages import parse

#: Kinds of page reached per person: more than the demo has.
LIMIT = 150


def shape(path: str) -> str:
    """/cohorts/3/gradebook and /cohorts/4/gradebook are one kind of page, as are ?page=2 and
    ?page=3 of a list; visit one of each."""
    return re.sub(r"[0-9]+", "N", path)


def crawl(client, start: str) -> dict[str, int]:
    """Follow same-site links breadth first from `start`; the status each path answered."""
    seen: dict[str, int] = {}
    kinds: set[str] = set()
    queue = deque([start])
    while queue and len(kinds) < LIMIT:
        path = queue.popleft()
        if shape(path) in kinds:
            continue
        kinds.add(shape(path))
        response = client.get(path)
        seen[path] = response.status_code
        links = []
        if response.status_code in (301, 302, 303):
            links = [response.headers["Location"]]
        elif response.status_code == 200 and response.content_type.startswith("text/html"):
            links = [link["href"] for link in parse(response).select("a[href]")]
        response.close()  # a streamed download (a CSV) ends here, read or not
        for href in links:
            target = urlsplit(urljoin(path, href))
            if target.netloc or target.scheme not in ("", "http") or not target.path.startswith("/"):
                continue
            if target.path.startswith(("/static/", "/assets/")):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def test_no_link_is_broken_for_anyone_signed_out_or_any_demo_login(app):
    logins = demo.load()
    db.session.commit()
    broken = {}
    for person in [None, *(email for _, email in logins)]:
        client = app.test_client()
        if person:
            response = client.post("/sign-in", data={"email": person, "password": DEMO_PASSWORD})
            assert response.status_code == 302, person
        seen = crawl(client, "/")
        assert len(seen) > 3, person
        broken |= {f"{person or 'signed out'} {path}": status for path, status in seen.items()
                   if status not in (200, 302)}
    assert broken == {}
