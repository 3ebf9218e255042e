"""The people of the demo world: one per role, all with the same demo password."""

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from .models import User

DEMO_PASSWORD = "ponte-demo-2026"

# email, name, language, role description, flags
PEOPLE = [
    ("admin@example.org", "Alex Operator", "en", "platform admin", {"is_staff": True, "is_superuser": True}),
    ("manager@example.org", "Elise Martin", "fr", "programme manager", {"is_programme_manager": True}),
    ("sponsor@example.org", "Tomaž Novak", "sl", "sponsor", {"is_sponsor": True}),
    ("evaluator@example.org", "Luc Dubois", "nl", "evaluator", {"is_evaluator": True}),
    # A second evaluator, so that each proposal is scored twice.
    ("evaluator2@example.org", "Marta Ribeiro", "pt-pt", "evaluator", {"is_evaluator": True}),
    ("moderator@example.org", "Inês Costa", "pt-pt", "moderator", {"is_moderator": True}),
    ("servant@example.org", "Joana Ferreira", "pt-pt", "public servant (AMA, Portugal)", {}),
    ("orgadmin@example.org", "Rui Almeida", "pt-pt", "organisation admin (AMA, Portugal)", {}),
    ("company@example.org", "Pieter Janssens", "nl", "company member (Civic Data Labs)", {}),
    ("companyadmin@example.org", "Sofie Peeters", "nl", "company admin (Civic Data Labs)", {}),
    ("citizen@example.org", "Ana Sousa", "pt-pt", "citizen", {}),
    ("newcomer@example.org", "Maja Horvat", "sl", "public servant waiting to join a ministry", {}),
]


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so the demo's two-factor codes survive a re-seed."""
    digest = hashlib.sha256(f"ponte-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def build_demo(stdout=None) -> None:
    from .roles import requires_two_factor

    for email, name, language, _role, flags in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name, language=language, **flags)
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if requires_two_factor(user) and not Authenticator.objects.filter(user=user, type="totp").exists():
            TOTP.activate(user, demo_totp_secret(email))


def sign_in_table() -> list[tuple[str, str, str]]:
    """(role, e-mail, two-factor secret or "") for each demo person. Who needs a code is
    asked of the same predicate that sign-in enforces, on an unsaved person with the flags."""
    from .roles import requires_two_factor

    rows = []
    for email, _name, _language, role, flags in PEOPLE:
        needs_code = requires_two_factor(User(email=email, **flags))
        rows.append((role, email, demo_totp_secret(email) if needs_code else ""))
    return rows
