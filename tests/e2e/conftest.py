"""Browser tests: Playwright drives the Chromium that the system provides.

No Playwright browser download is needed: Chromium is launched by path, from
PONTE_CHROMIUM or the Debian package's /usr/bin/chromium. When it is missing the
tests skip and say why, except under CI=true, where they fail.
"""

import os
import threading
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop on the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is intended.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000

_screenshot_folders = pytest.StashKey[list]()

# Every page reports what its Content-Security-Policy blocked to the test, as it happens
# (the binding survives navigation, where a list kept in the page would not).
CSP_REPORTER = "ponteReportCspViolation"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.REPORTER({
    page: event.documentURI,
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : "",
    sample: event.sample,
  });
}, true);
""".replace("REPORTER", CSP_REPORTER)


def chromium_path() -> str:
    return os.environ.get("PONTE_CHROMIUM") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(live_server):
    """The live server, answering one request at a time when the tests run on SQLite in memory.

    There the server's threads share the test's one database connection, and a page that sends
    two requests at once (a filter's answer still arriving as the next page loads) would have
    them read through the same cursor: one of them gets the other's rows."""
    if live_server.thread.connections_override:
        server = live_server.thread.httpd
        application, lock = server.get_app(), threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        server.set_app(one_at_a_time)
    return live_server


def pytest_configure(config):
    config.stash[_screenshot_folders] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folders = config.stash.get(_screenshot_folders, [])
    if folders:
        terminalreporter.section("browser screenshots")
        for folder in folders:
            terminalreporter.write_line(str(folder))


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        message = (
            f"Chromium is not installed at {path}: install Debian's chromium package "
            "or set PONTE_CHROMIUM to a Chromium executable."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def playwright_driver(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium_executable):
    browser = playwright_driver.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def describe_csp_violation(violation: dict) -> str:
    what = violation["blocked"] or "?"
    if what in ("inline", "eval"):
        what = f"{what} ({violation['sample']!r})" if violation["sample"] else what
    where = f" at {violation['source']}" if violation["source"] else ""
    return f"{violation['page']}: {violation['directive']} blocked {what}{where}"


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy blocked on any page of the test, described (from the
    pages' securitypolicyviolation events and the browser console)."""
    return []


@pytest.fixture
def new_context(browser, live_server, csp_violations):
    """Open a fresh browser context (its own cookies: one person) on the live server.

    The test fails if any page answers with a server error or if the Content-Security-Policy
    blocks anything on any page."""
    contexts = []
    server_errors = []

    def make(locale: str = "en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        # No page may answer with a server error, even one the test does not look at.
        context.on(
            "response",
            lambda response: (
                server_errors.append(f"{response.status} {response.request.method} {response.url}")
                if response.status >= 500
                else None
            ),
        )
        context.expose_binding(
            CSP_REPORTER, lambda _source, violation: csp_violations.append(describe_csp_violation(violation))
        )
        context.add_init_script(CSP_LISTENER)
        context.on(
            "console",
            lambda message: (
                csp_violations.append(f"{message.page.url if message.page else '?'}: console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        # A round trip to each open page delivers the reports still on their way.
        for open_page in context.pages:
            if not open_page.is_closed():
                open_page.evaluate("0")
        context.close()
    assert not server_errors, "the server answered with errors:\n" + "\n".join(server_errors)
    assert not csp_violations, "the Content-Security-Policy blocked something:\n" + "\n".join(csp_violations)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def signed_in(new_context, live_server):
    """A page of a browser context of its own signed in as `user` (without the sign-in pages,
    for tests about something else)."""
    from .support import log_in_as

    def open_as(user, locale: str = "en-GB"):
        context = new_context(locale)
        log_in_as(context, user, live_server.url)
        return context.new_page()

    return open_as


@pytest.fixture
def screenshot_dir(request, tmp_path):
    """Where a test keeps its full-page screenshots (under pytest's tmp_path, never the repository)."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    request.config.stash[_screenshot_folders].append(folder)
    return folder
