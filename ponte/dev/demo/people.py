"""The people of the demo world (data/people.yaml): one per role, all with the same demo
password; those whose role asks for a second factor get a fixed one."""

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from ponte.accounts.models import User
from ponte.core.roles import requires_two_factor

from .data import load


def password() -> str:
    return load("people")["password"]


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so the demo's two-factor codes survive a re-seed."""
    digest = hashlib.sha256(f"ponte-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def build(stdout=None) -> None:
    for person in load("people")["people"]:
        email = person["email"]
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=password(),
                name=person["name"],
                language=person["language"],
                **person.get("flags", {}),
            )
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if requires_two_factor(user) and not Authenticator.objects.filter(user=user, type="totp").exists():
            TOTP.activate(user, demo_totp_secret(email))


def sign_in_table() -> list[tuple[str, str, str]]:
    """(role, e-mail, two-factor secret or "") for each demo person. Who needs a code is
    asked of the same predicate that sign-in enforces, on an unsaved person with the flags."""
    rows = []
    for person in load("people")["people"]:
        email = person["email"]
        needs_code = requires_two_factor(User(email=email, **person.get("flags", {})))
        rows.append((person["role"], email, demo_totp_secret(email) if needs_code else ""))
    return rows
