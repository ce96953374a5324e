"""Links built from the request: pages of a list keep their filters and nothing else."""

from tests.factories import make_user
from tests.pages import parse


def page_links(response) -> list[str]:
    return [a["href"] for a in parse(response).select(".govuk-pagination a")]


def test_page_links_keep_the_filters_as_they_came(admin_client):
    for n in range(30):
        make_user("facilitator", name=f"Facilitator {n:02d}")
    links = page_links(admin_client.get("/admin/people?q=facilitator&page=1"))
    assert links and all(link.startswith("/admin/people?q=facilitator&page=") for link in links)


def test_page_links_never_take_url_for_options_from_the_query(admin_client):
    for n in range(30):
        make_user("facilitator", name=f"Facilitator {n:02d}")
    response = admin_client.get("/admin/people?_external=1&_scheme=javascript&_anchor=x&_method=POST")
    links = page_links(response)
    assert response.status_code == 200
    assert links
    for link in links:
        assert link.startswith("/admin/people?"), link
        assert "#" not in link and "javascript:" not in link
