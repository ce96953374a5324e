"""Links built from the request: pages of a list keep their filters and nothing else."""

from tests.factories import make_user
from tests.pages import parse


def page_links(response) -> list[str]:
    return [a["href"] for a in parse(response).select(".govuk-pagination a")]


def test_page_links_never_take_url_for_options_from_the_query(admin_client):
    for n in range(30):
        make_user("facilitator", name=f"Facilitator {n:02d}")
    response = admin_client.get("/admin/people?q=facilitator&_external=1&_scheme=javascript&_anchor=x")
    links = page_links(response)
    assert response.status_code == 200
    assert links
    for link in links:
        assert link.startswith("/admin/people?q=facilitator&_external=1&_scheme=javascript&_anchor=x&page="), link
        assert "#" not in link
