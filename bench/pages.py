"""The pages the load benchmark drives, and what it asks of the database that serves them.

Run by bench/load.py with the environment of the database under test (it never touches a
developer's own data):

    python bench/pages.py resolve   # the pages with their addresses, and a session per person
    python bench/pages.py queries   # the number of queries each page makes

Each prints one JSON document. A later module adds its pages to PAGES.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The people a page is read as: None is a visitor, signed out.
PEOPLE = {
    "company member": "company@example.org",
    "programme manager": "manager@example.org",
    "sponsor": "sponsor@example.org",
}

# (name, person, address); an address in braces is filled from the data (see _fill).
PAGES = [
    ("home", None, "/"),
    ("challenge list", None, "/challenges/"),
    ("challenge list, two filters", None, "/challenges/?status=open&sector=digital"),
    ("challenge page", None, "{open_challenge}"),
    ("solution catalogue", None, "/solutions/"),
    ("organisation page", None, "/organisations/ama/"),
    ("search, a common word", None, "/search/?q=digital"),
    ("search, a rare word", None, "/search/?q=nordgrid"),
    ("API challenge list", None, "/api/challenges/"),
    ("API solution list", None, "/api/solutions/"),
    ("OCDS releases, first page", None, "/open-data/ocds/releases.json"),
    ("OCDS releases, a deep page", None, "{deep_releases}"),
    ("Atom feed", None, "/challenges/feed/"),
    ("case library", None, "/cases/"),
    ("case library, a tag and a year", None, "{case_filters}"),
    ("case library, search", None, "/cases/?q=heat"),
    ("case page", None, "{busiest_case}"),
    ("API case list", None, "/api/lab/cases"),
    ("exchange rounds", None, "/exchange/"),
    ("exchange round page", None, "{current_round}"),
    ("API exchange rounds", None, "/api/exchange/rounds"),
    ("exemption register", None, "/sandbox/register/"),
    ("exemption register, two filters", None, "{register_filters}"),
    ("exemption page", None, "{busiest_exemption}"),
    ("API exemption register", None, "/api/sandbox/exemptions"),
    ("learning catalogue", None, "/learning/"),
    ("learning catalogue, skill and track", None, "/learning/?skill=data_literacy&track=everyone"),
    ("learning course page", None, "{busiest_course}"),
    ("learning session page", None, "{busiest_session}"),
    ("API learning catalogue", None, "/api/learning/courses"),
    ("certificate check", None, "{certificate_check}"),
    ("hall of fame", None, "/recognition/"),
    ("hall of fame, a year", None, "{hall_of_fame_year}"),
    ("API hall of fame", None, "/api/recognition/winners"),
    ("home, company member", "company member", "/"),
    ("challenge list, company member", "company member", "/challenges/"),
    ("notifications, company member", "company member", "/notifications/"),
    ("home, programme manager", "programme manager", "/"),
    ("evaluation board, 200 proposals", "programme manager", "{busiest_board}"),
    ("lab portfolio", "programme manager", "/lab/projects/"),
    ("lab project page", "programme manager", "{busiest_project}"),
    ("lab triage queue", "programme manager", "/lab/problems/triage/"),
    ("lab experiment page", "programme manager", "{concluded_experiment}"),
    ("exchange matching page", "programme manager", "{matching_page}"),
    ("exchange applicants not paired", "programme manager", "{matching_page}unpaired/"),
    ("skills of a group, programme manager", "programme manager", "{busiest_skills_group}"),
    ("award nominations and scores, programme manager", "programme manager", "{judging_ranking}"),
    ("state of innovation", None, "/insights/"),
    ("state of innovation, an organisation and a period", None, "{state_filters}"),
    ("API state of innovation", None, "/api/insights/figures"),
    ("leadership dashboard, sponsor", "sponsor", "/insights/dashboard/"),
    ("leadership dashboard, sponsor, all filters", "sponsor", "{dashboard_filters}"),
    ("what you sponsor, sponsor", "sponsor", "/insights/sponsored/"),
]
# The bare view every page is compared with: the same middleware, no work.
BARE = ("bare view (/healthz)", None, "/healthz")


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ponte.settings")
    import django

    django.setup()


def _fill() -> dict[str, str]:
    from django.db.models import Count
    from django.utils import timezone

    from ponte.challenges.models import Challenge
    from ponte.challenges.queries.public import public_challenges
    from ponte.dev.generate.challenges import BUSIEST_TITLE
    from ponte.exchange.models import Round, RoundPhase
    from ponte.lab.models import CaseStudy, Experiment, Project
    from ponte.lab.queries.cases import library_tags
    from ponte.learning.models import Certificate, Session
    from ponte.opendata import ocds
    from ponte.organisations.models import Membership
    from ponte.recognition.models import AwardProgramme
    from ponte.sandbox.models import Exemption

    open_challenge = public_challenges().open().order_by("deadline", "pk").first()
    busiest = Challenge.objects.filter(title=BUSIEST_TITLE).order_by("-pk").first()
    # A page far into the release package: from the publication nine tenths of the way.
    published = public_challenges().order_by("published_at", "pk").values_list("published_at", flat=True)
    deep = published[published.count() * 9 // 10]
    # The project with the longest history of gates.
    busiest_project = Project.objects.annotate(n=Count("gates")).order_by("-n", "pk").first()
    # The published case whose project ran the most experiments, and the commonest of its tags:
    # filtered by that tag and its year, the library shows at least that case at every scale.
    busiest_case = (
        CaseStudy.objects.filter(status="published").annotate(n=Count("project__experiments")).order_by("-n", "pk")
    ).first()
    its_tags = set(busiest_case.tags.values_list("name", flat=True))
    tag = next((name for name in library_tags() if name in its_tags), library_tags()[0])
    concluded = Experiment.objects.filter(status="concluded").order_by("pk").first()
    # The round taking the generated applications (10,000 a side at L).
    current_round = Round.objects.in_phase(RoundPhase.APPLICATIONS_OPEN).annotate(n=Count("applications"))
    current_round = current_round.order_by("-n", "pk").first()
    # The round being matched, with the most pairs.
    matched = Round.objects.in_phase(RoundPhase.MATCHING).annotate(n=Count("pairs")).order_by("-n", "pk").first()
    # The exemption with the most progress reports, and a filter that holds it: its ministry and phase.
    busiest_exemption = (
        Exemption.objects.with_phase().annotate(n=Count("reports")).order_by("-n", "pk").select_related("application")
    ).first()
    register_filters = (
        f"/sandbox/register/?phase={busiest_exemption.phase_now}&ministry={busiest_exemption.application.ministry.slug}"
    )
    busiest_session = (
        Session.objects.filter(starts_at__gt=timezone.now())
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    certificate = Certificate.objects.order_by("pk").first()
    skills_group = (
        Membership.objects.filter(user__self_assessments__isnull=False)
        .values("organisation__slug")
        .annotate(n=Count("user", distinct=True))
        .order_by("-n", "organisation__slug")
        .first()
    )
    # The public body with the most challenges, over the last two years: every filter of the dashboard.
    body = (
        Challenge.objects.values("owner__slug")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("owner__slug", flat=True)[0]
    )
    this_year = timezone.localdate().year
    filters = f"?organisation={body}&start={this_year - 1}-Q1&end={this_year}-Q4"
    judging = AwardProgramme.objects.not_announced().order_by("nominations_close_at").first()
    announced = AwardProgramme.objects.announced().order_by("year").values_list("year", flat=True)
    return {
        "hall_of_fame_year": f"/recognition/?year={announced[len(announced) // 2]}",
        "state_filters": f"/insights/{filters}",
        "dashboard_filters": f"/insights/dashboard/{filters}",
        "judging_ranking": f"/recognition/programmes/{judging.pk}/ranking/",
        "certificate_check": f"/learning/verify/?code={certificate.code}",
        "busiest_skills_group": f"/learning/skills/groups/?organisation={skills_group['organisation__slug']}",
        "busiest_course": busiest_session.course.get_absolute_url(),
        "busiest_session": busiest_session.get_absolute_url(),
        "busiest_exemption": busiest_exemption.get_absolute_url(),
        "register_filters": register_filters,
        "matching_page": f"/exchange/rounds/{matched.pk}/matching/",
        "busiest_case": busiest_case.get_absolute_url(),
        "current_round": current_round.get_absolute_url(),
        "case_filters": f"/cases/?tag={tag.replace(' ', '+')}&year={busiest_case.launch_year}",
        "concluded_experiment": concluded.get_absolute_url(),
        "busiest_project": busiest_project.get_absolute_url(),
        "open_challenge": open_challenge.get_absolute_url(),
        "busiest_board": f"/challenges/{busiest.pk}/evaluation/",
        "deep_releases": "/open-data/ocds/releases.json" + f"?since={ocds.iso(deep).replace('+', '%2B')}",
    }


def _sessions() -> dict[str, str]:
    """A signed-in session for each person, as their browser would hold it."""
    from django.conf import settings
    from django.test import Client

    from ponte.accounts.models import User

    cookies = {}
    for person, email in PEOPLE.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[person] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def pages() -> list[tuple[str, str | None, str]]:
    filled = _fill()
    return [(name, person, url.format(**filled) if url.startswith("{") else url) for name, person, url in PAGES]


def resolve() -> dict:
    return {"pages": pages(), "bare": BARE, "cookies": _sessions()}


def queries() -> dict[str, int]:
    """The queries each page makes, read once warm through the test client."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ponte.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # What the view itself asks of the database, not a kept page's nothing.
    settings.PONTE_PUBLIC_PAGE_CACHE = False
    counts = {}
    for name, person, url in pages():
        client = Client(headers={"x-forwarded-proto": "https"})
        if person is not None:
            client.force_login(User.objects.get(email=PEOPLE[person]))
        client.get(url)  # warm: the first read of a page fills what later reads share
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        counts[name] = len(captured)
    return counts


if __name__ == "__main__":
    _setup()
    print(json.dumps({"resolve": resolve, "queries": queries}[sys.argv[1]]()))
