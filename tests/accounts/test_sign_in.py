"""Sign-up, e-mail verification, sign-in with a second factor and password reset, including
what people get wrong: a taken address, an expired link, a wrong or reused code."""

import logging
import re
import time
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.utils import timezone

from ponte.accounts.models import User
from tests.conftest import give_two_factor
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-new-long-passphrase-77"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _sign_up(client, email="new.person@example.com"):
    return client.post(
        "/accounts/signup/",
        {"name": "New Person", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.django_db
def test_sign_up_sends_a_verification_link_that_signs_the_person_in(client):
    response = _sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.name == "New Person"
    assert not EmailAddress.objects.get(user=user).verified
    link = _link(mail.outbox[-1])
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_creates_no_account_and_tells_its_owner(client):
    owner = UserFactory(email="taken@example.com")
    response = _sign_up(client, email="TAKEN@example.com")
    # Nobody learns from the page whether the address is registered...
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    # ...but its owner is told by e-mail.
    assert mail.outbox[-1].to == [owner.email]


@pytest.mark.django_db
def test_an_expired_verification_link_is_refused_with_a_page_not_an_error(client):
    _sign_up(client)
    link = _link(mail.outbox[-1])
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        opened = client.get(link)
        confirmed = client.post(link)
    assert opened.status_code == 200
    assert "This email confirmation link expired or is invalid." in opened.content.decode()
    assert confirmed.status_code == 404
    assert not EmailAddress.objects.get(email="new.person@example.com").verified


@pytest.mark.django_db
def test_sign_up_refuses_a_weak_password_and_keeps_what_was_typed(client):
    response = client.post(
        "/accounts/signup/",
        {"name": "New Person", "email": "weak@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'value="weak@example.com"' in page and 'value="New Person"' in page
    assert not User.objects.filter(email="weak@example.com").exists()


def _code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.fixture
def manager_with_code(db):
    manager = UserFactory(email="pm@example.com", is_programme_manager=True)
    return manager, give_two_factor(manager)


def _password_step(client, email="pm@example.com", password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


@pytest.mark.django_db
def test_a_programme_manager_signs_in_with_password_then_code(client, manager_with_code):
    manager, secret = manager_with_code
    response = _password_step(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    # Not signed in yet: the home page still greets a visitor.
    assert not client.get("/").context["user"].is_authenticated
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/").context["user"] == manager


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_message(client, manager_with_code):
    _manager, secret = manager_with_code
    _password_step(client)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, manager_with_code):
    _manager, secret = manager_with_code
    code = _code(secret)
    _password_step(client)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    _password_step(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_logged_without_the_address(client, manager_with_code, caplog):
    with caplog.at_level(logging.WARNING, logger="ponte.security"):
        response = _password_step(client, password="not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    messages = [record.getMessage() for record in caplog.records if record.name == "ponte.security"]
    assert messages and "Failed sign-in" in messages[0]
    assert "pm@example.com" not in messages[0]


@pytest.mark.django_db
def test_a_person_resets_a_forgotten_password(client):
    person = UserFactory(email="forgetful@example.com")
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert response.status_code == 302
    link = _link(mail.outbox[-1])
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_production_refuses_to_start_without_a_real_secret_key():
    import os
    import subprocess
    import sys

    env = {**os.environ, "PONTE_ENV": "production", "ALLOWED_HOSTS": "ponte.example.org"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import ponte.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    env["SECRET_KEY"] = "x" * 64
    result = subprocess.run(
        [sys.executable, "-c", "import ponte.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_a_person_is_greeted_in_their_accounts_language_as_they_sign_in(client):
    UserFactory(email="rui@example.org", name="Rui Almeida", language="pt-pt")
    response = client.post("/accounts/login/", {"login": "rui@example.org", "password": PASSWORD}, follow=True)
    greeting = [str(message) for message in response.context["messages"]]
    assert greeting == ["Iniciou a sessão como Rui Almeida."]
