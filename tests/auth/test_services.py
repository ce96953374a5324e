import pytest

from app.auth import services
from app.auth.models import Role
from app.auth.services import AccountError
from tests.factories import make_council, make_user


def test_password_rules_refuse_short_and_common_passwords():
    assert services.password_problem("short") == "Password must be 10 characters or more"
    assert "too common" in services.password_problem("Password123")
    assert services.password_problem("a walk by the river") is None


def test_email_is_unique_whatever_its_case(admin):
    services.invite_user(actor=admin, email="Jo.Bloggs@Council.gov.uk", name="Jo", roles={Role.FACILITATOR})
    with pytest.raises(AccountError, match="already has an account"):
        services.invite_user(actor=admin, email="jo.bloggs@council.GOV.uk", name="Jo", roles={Role.FACILITATOR})
    assert services.find_user_by_email("JO.BLOGGS@council.gov.uk").name == "Jo"


def test_council_roles_need_a_council(admin):
    with pytest.raises(AccountError) as error:
        services.invite_user(actor=admin, email="a@b.gov.uk", name="A", roles={Role.COUNCIL_LEAD})
    assert error.value.field == "council"


def test_authenticate_refuses_a_wrong_password_and_an_inactive_account():
    user = make_user("facilitator")
    assert services.authenticate(user.email, "correct-horse-battery") == user
    assert services.authenticate(user.email, "wrong-horse-battery") is None
    user.active = False
    assert services.authenticate(user.email, "correct-horse-battery") is None


def test_a_token_works_once():
    user = make_user("participant", council=make_council(), password=None)
    token = services.make_token(user, "invitation")
    services.accept_token(token, "invitation", "a walk by the river")
    with pytest.raises(AccountError, match="already been used"):
        services.user_for_token(token, "invitation")


def test_a_token_for_one_purpose_is_not_valid_for_another():
    user = make_user("participant")
    with pytest.raises(AccountError, match="not valid"):
        services.user_for_token(services.make_token(user, "reset"), "invitation")


def test_an_expired_token_is_refused(app):
    import time_machine

    user = make_user("participant")
    with time_machine.travel("2027-01-01 09:00", tick=False):
        token = services.make_token(user, "reset")
    with time_machine.travel("2027-01-01 12:00", tick=False):
        with pytest.raises(AccountError, match="expired"):
            services.user_for_token(token, "reset")
