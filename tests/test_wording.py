"""Words that follow a number."""

from app.wording import plural
from tests.factories import make_user
from tests.pages import parse


def test_a_noun_follows_its_count():
    assert [plural(n, "mark") for n in (0, 1, 2)] == ["0 marks", "1 mark", "2 marks"]
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_a_list_of_one_says_so_in_the_singular(admin_client, admin):
    caption = parse(admin_client.get("/admin/people")).select_one("caption").get_text(strip=True)
    assert caption == "1 person"
