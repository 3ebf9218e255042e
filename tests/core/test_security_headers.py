"""Every kind of page carries Ponte's Content-Security-Policy and holds nothing inline that
the policy would block: no script without a file, no style block or attribute, no event
handler attribute, no javascript: or data: address.

The pages are representative of each kind: home, lists, detail pages, forms, sign-in and
two-factor pages, the API documentation, the Django admin, error pages and open data.
"""

import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

from ponte.urls import urlpatterns as ponte_urlpatterns
from tests.conftest import give_two_factor
from tests.factories import (
    PASSWORD,
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
    SolutionFactory,
    UserFactory,
)

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def policy_of(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


class InlineFinder(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        where = f"line {self.getpos()[0]}: <{tag}>"
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append(f"{where} an inline script")
        if tag == "style":
            self.problems.append(f"{where} a style block")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name == "style":
                self.problems.append(f"{where} a style attribute")
            elif name.startswith("on"):
                self.problems.append(f"{where} an event handler attribute {name}")
            elif name.startswith(("hx-on", "data-hx-on")) or value.startswith(("js:", "javascript:")):
                self.problems.append(f"{where} script in attribute {name}")
            elif name in ("src", "href", "action", "srcset") and value.startswith("data:"):
                self.problems.append(f"{where} a data: address in {name}")

    handle_startendtag = handle_starttag


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


# A server error, for the 500 page: Ponte's URLs plus one view that fails.
def _fail(request):
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("failing-page/", _fail), *ponte_urlpatterns]
handler404 = "ponte.core.views.page_not_found"
handler500 = "ponte.core.views.server_error"


@pytest.fixture
def world(db):
    agency = OrganisationFactory(name="Agency for Modernisation", slug="agency-for-modernisation")
    olga = MembershipFactory(organisation=agency, role="admin", user__name="Olga Admin").user
    manuel = MembershipFactory(organisation=agency, role="member", user__name="Manuel Member").user
    labs = CompanyFactory(name="Civic Data Labs", slug="civic-data-labs")
    sofie = MembershipFactory(organisation=labs, role="admin", user__name="Sofie Peeters").user
    draft = ChallengeFactory(owner=agency, author=manuel, title="Queues at the desk")
    published = PublishedChallengeFactory(owner=agency, author=manuel, title="Citizens cannot find the right form")
    solution = SolutionFactory(company=labs, status="published", published_at=timezone.now(), title="Form finder")
    paula = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(paula)
    pat = UserFactory(name="Pat Admin", is_staff=True, is_superuser=True)
    give_two_factor(pat)
    return {
        "agency": agency,
        "olga": olga,
        "manuel": manuel,
        "sofie": sofie,
        "draft": draft,
        "published": published,
        "solution": solution,
        "paula": paula,
        "pat": pat,
    }


# Each page: who looks (None: a visitor) and its address.
PAGES = {
    "home (visitor)": (None, lambda w: reverse("home")),
    "home (signed in)": ("manuel", lambda w: reverse("home")),
    "organisation list": (None, lambda w: reverse("organisations:list")),
    "challenge list": (None, lambda w: reverse("challenges:list")),
    "solution catalogue": (None, lambda w: reverse("solutions:list")),
    "search results": (None, lambda w: reverse("search") + "?q=form"),
    "notifications": ("olga", lambda w: reverse("notifications")),
    "audit trail": ("paula", lambda w: reverse("audit_trail")),
    "organisation detail": (None, lambda w: w["agency"].get_absolute_url()),
    "challenge detail": (None, lambda w: w["published"].get_absolute_url()),
    "solution detail": (None, lambda w: w["solution"].get_absolute_url()),
    "register an organisation": ("olga", lambda w: reverse("organisations:create")),
    "organisation members": ("olga", lambda w: reverse("organisations:members", args=[w["agency"].slug])),
    "challenge drafting, problem": (
        "manuel",
        lambda w: reverse("challenges:edit", kwargs={"pk": w["draft"].pk, "step": "problem"}),
    ),
    "challenge drafting, criteria": (
        "manuel",
        lambda w: reverse("challenges:edit", kwargs={"pk": w["draft"].pk, "step": "criteria"}),
    ),
    "new solution": ("sofie", lambda w: reverse("solutions:create")),
    "your account": ("olga", lambda w: reverse("account")),
    "sign in": (None, lambda w: reverse("account_login")),
    "sign up": (None, lambda w: reverse("account_signup")),
    "password reset": (None, lambda w: reverse("account_reset_password")),
    "API documentation": (None, lambda w: "/api/docs"),
    "open data": (None, lambda w: reverse("open_data")),
    "OCDS releases": (None, lambda w: reverse("opendata:ocds_releases")),
    "admin sign-in": (None, lambda w: reverse("admin:login")),
    "admin index": ("pat", lambda w: reverse("admin:index")),
    "admin organisations": ("pat", lambda w: reverse("admin:organisations_organisation_changelist")),
    "admin organisation": (
        "pat",
        lambda w: reverse("admin:organisations_organisation_change", args=[w["agency"].pk]),
    ),
    "admin challenge": ("pat", lambda w: reverse("admin:challenges_challenge_change", args=[w["published"].pk])),
    "admin new user": ("pat", lambda w: reverse("admin:accounts_user_add")),
    "page not found (404)": (None, lambda w: "/no-such-page/"),
    "forbidden (403)": ("manuel", lambda w: reverse("organisations:verification")),
}


def _client(world, who) -> Client:
    client = Client()
    if who:
        client.force_login(world[who], backend="django.contrib.auth.backends.ModelBackend")
    return client


def assert_page_is_protected(response, name: str) -> None:
    assert policy_of(response) == POLICY, f"{name}: unexpected policy {response.headers['Content-Security-Policy']}"
    if "html" in response.headers.get("Content-Type", ""):
        problems = inline_content(response.content.decode())
        assert not problems, f"{name} ({response.request['PATH_INFO']}) holds inline content:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_carries_the_policy_and_nothing_inline(world, name):
    who, address = PAGES[name]
    response = _client(world, who).get(address(world))
    assert response.status_code in (200, 403, 404), f"{name} answered {response.status_code}"
    assert_page_is_protected(response, name)


@pytest.mark.parametrize("model_admin", list(admin.site._registry.values()), ids=str)
def test_every_admin_list_carries_the_policy_and_nothing_inline(world, model_admin):
    meta = model_admin.model._meta
    response = _client(world, "pat").get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code in (200, 403)
    assert_page_is_protected(response, f"admin list of {meta.verbose_name_plural}")


def test_a_partial_page_refreshed_in_place_carries_the_policy(world):
    response = Client().get(reverse("organisations:list") + "?q=agency", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert_page_is_protected(response, "organisation list, refreshed by htmx")


def test_the_activate_authenticator_page_shows_its_code_without_a_data_address(world):
    client = Client()
    client.post(reverse("account_login"), {"login": world["olga"].email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert_page_is_protected(response, "activate authenticator app")
    assert b"<svg" in response.content


@pytest.mark.urls(__name__)
def test_the_server_error_page_carries_the_policy(db):
    client = Client(raise_request_exception=False)
    response = client.get("/failing-page/")
    assert response.status_code == 500
    assert_page_is_protected(response, "server error (500)")


def test_the_form_expired_page_carries_the_policy(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "olga@example.com", "password": "x"})
    assert response.status_code == 403
    assert_page_is_protected(response, "form expired (CSRF failure)")


def test_htmx_is_told_to_need_neither_eval_nor_inline_styles(world):
    response = Client().get(reverse("home"))
    html = response.content.decode()

    class MetaFinder(HTMLParser):
        config = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "meta" and attrs.get("name") == "htmx-config":
                MetaFinder.config = json.loads(attrs["content"])

    MetaFinder().feed(html)
    assert MetaFinder.config is not None, "no <meta name='htmx-config'>"
    assert MetaFinder.config["allowEval"] is False
    assert MetaFinder.config["includeIndicatorStyles"] is False


def test_the_inline_finder_finds_what_the_policy_blocks():
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="x()">a</p><a href="javascript:x()">b</a>'
        '<img src="data:image/png;base64,AAAA" alt=""><button hx-on:click="x()">c</button>'
    )
    assert len(inline_content(html)) == 7
