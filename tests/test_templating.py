"""The template environment: its quicker globals behave as Jinja's own."""

from app.govuk import Environment


def test_a_template_sees_its_own_globals_over_the_environments_and_ones_added_later(app):
    environment = Environment(app)
    environment.globals["greeting"] = "Hello"
    template = environment.from_string(
        "{{ greeting }}, {{ name }}{% if later is defined %} and {{ later }}{% endif %}", globals={"name": "Ada"})
    assert template.render() == "Hello, Ada"
    environment.globals["later"] = "Grace"
    assert ("later" in template.globals, "missing" in template.globals) == (True, False)
    assert template.render() == "Hello, Ada and Grace"
