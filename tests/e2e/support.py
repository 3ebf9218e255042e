"""What the browser tests share: signing in, two-factor codes, e-mails, translations, axe."""

from __future__ import annotations

import re
import time
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

TOTP_PERIOD = 30
# What axe checks: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}


def tr(language: str, message: str) -> str:
    """A message as Ponte shows it in a language (Ponte's catalogues, then Django's and allauth's)."""
    with translation.override(language):
        return str(translation.gettext(message))


def trc(language: str, context: str, message: str) -> str:
    """A message with a context (pgettext) as Ponte shows it in a language."""
    with translation.override(language):
        return str(translation.pgettext(context, message))


# Two-factor codes ----------------------------------------------------------------------

_used_codes: set[tuple[str, int]] = set()


def totp_code(secret: str) -> str:
    """The authenticator app's current code for a secret.

    Ponte accepts a code once and only in its own 30-second window, so this waits for a
    fresh window when the current one is about to end or its code was already used."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while True:
        now = time.time()
        counter = int(now) // TOTP_PERIOD
        left = TOTP_PERIOD - now % TOTP_PERIOD
        if left > 3 and (secret, counter) not in _used_codes:
            _used_codes.add((secret, counter))
            return format_hotp_value(hotp_value(secret, counter))
        time.sleep(left + 0.1)


def wrong_totp_code(secret: str) -> str:
    """A six-digit code that is not valid now (nor in the neighbouring windows)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // TOTP_PERIOD
    valid = {format_hotp_value(hotp_value(secret, counter + step)) for step in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 999999, 111111)) if code not in valid)


# Signing in ------------------------------------------------------------------------------


def sign_in(
    page: Page,
    email: str,
    password: str = PASSWORD,
    *,
    totp_secret: str | None = None,
    language: str = "en",
    then: str | None = "/",
) -> None:
    """Sign in through the sign-in page as a person does, with their code if they use one."""
    page.goto("/accounts/login/")
    page.get_by_label(tr(language, "Email"), exact=True).fill(email)
    page.get_by_label(tr(language, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=tr(language, "Sign In"), exact=True).click()
    if totp_secret:
        expect(page.get_by_role("heading", name=tr(language, "Two-Factor Authentication"))).to_be_visible()
        page.get_by_label(tr(language, "Code"), exact=True).fill(totp_code(totp_secret))
        page.get_by_role("button", name=tr(language, "Sign In"), exact=True).click()
    if then is not None:
        expect(page).to_have_url(re.compile(re.escape(then) + r"(\?.*)?$"))


def log_in_as(context, user, base_url: str) -> None:
    """Give a browser context a signed-in session without going through the sign-in pages
    (for tests about something else than signing in)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


# E-mail ----------------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"]+")


def last_mail_to(address: str):
    messages = [message for message in mail.outbox if address in message.to]
    assert messages, f"no e-mail to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    return messages[-1]


def links_in(message) -> list[str]:
    return _URL.findall(message.body)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# Accessibility ---------------------------------------------------------------------------


def _screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot for a person to look at. Chromium, under load, sometimes cannot
    capture a long page ("Unable to capture screenshot"): it is tried again, then the visible
    part is taken. The picture is for reading, not a check: the page was read all the same."""
    from playwright.sync_api import Error

    for attempt in range(2):
        try:
            page.screenshot(path=path, full_page=True)
            return
        except Error:
            if attempt == 0:
                page.wait_for_timeout(500)
    page.screenshot(path=path)


class AccessibilityAudit:
    """Runs axe-core on pages (WCAG 2.2 A and AA and best practices), keeps a full-page
    screenshot of each, and collects every violation, whatever its impact, so that one
    failure lists every page's problems."""

    def __init__(self, folder: Path, label: str = ""):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.folder = folder
        self.label = label
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, page: Page, name: str, *, context: dict | None = None, record: bool = True) -> list[str]:
        """Screenshot the page and run axe on it (or on the part `context` selects). Returns
        the violations, described; `record` adds them to the problems."""
        page.wait_for_load_state("load")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{len(self.pages) + 1:02d}-{slug}.png"
        _screenshot(page, path)
        results = self.axe.run(page, context=context, options=AXE_OPTIONS)
        violations = results.response["violations"]
        self.pages.append(name)
        print(f"[{self.label}] {name}: {page.url} — {len(violations)} axe violation(s)")
        print(f"    screenshot: {path}")
        described = []
        for violation in violations:
            targets = "; ".join(" ".join(map(str, node.get("target", []))) for node in violation["nodes"][:8])
            described.append(
                f"[{self.label}] {name} ({page.url}): {violation['id']} ({violation['impact']}) — "
                f"{violation['help']} — {len(violation['nodes'])} node(s): {targets}"
            )
        if record:
            self.problems.extend(described)
        return described

    def assert_clean(self) -> None:
        assert not self.problems, "axe-core found violations:\n" + "\n".join(self.problems)


# Translations ----------------------------------------------------------------------------


def catalogue_translation(language: str, msgid: str) -> str:
    """The translation of a message in Ponte's own catalogue (ponte/locale), checked to exist."""
    import polib

    path = Path(settings.BASE_DIR) / "ponte" / "locale" / translation.to_locale(language) / "LC_MESSAGES" / "django.po"
    entry = polib.pofile(str(path)).find(msgid)
    assert entry is not None, f"{msgid!r} is not in {path}"
    assert entry.msgstr and "fuzzy" not in entry.flags, f"{msgid!r} is not translated yet in {path}"
    return entry.msgstr
