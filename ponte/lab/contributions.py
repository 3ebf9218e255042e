"""What the lab contributes: navigation, an action, a figure, notification kinds, the link a
problem leaves when it becomes a challenge, the moment its kept pages expire, and its part of
the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.models import EmailChannel
from ponte.core.registry import (
    DashboardFigure,
    Export,
    LinkedModel,
    LinkKind,
    NavItem,
    NotificationKind,
    SearchDocument,
    SearchSource,
    SponsoredSource,
    registry,
)
from ponte.core.roles import is_programme_manager, is_sponsor, is_staff_role
from ponte.organisations.rules import belongs_to_a_public_body, is_public_servant

from . import matrix
from .models import CaseStudy
from .queries import cases as case_queries
from .queries import cocreation as cocreation_queries
from .queries import indicators
from .queries import problems as problem_queries
from .queries import projects as project_queries
from .services.problems import BECAME_CHALLENGE

registry.add_nav(NavItem(label=_("Lab"), url_name="lab:home", order=30))
# A project's days in its stage change at midnight: nothing is kept past it (core.pagecache).
registry.add_clock_event(project_queries.next_midnight)
registry.add_nav(NavItem(label=_("Case library"), url_name="cases:library", order=31))
registry.add_action(
    NavItem(label=_("Citizens' panel"), url_name="lab:panel", visible=lambda user: user.is_authenticated, order=22)
)
registry.add_figure(
    DashboardFigure(
        key="lab.sessions_invited",
        label=_("Sessions you are invited to"),
        value=cocreation_queries.upcoming_invitations,
        url_name="lab:panel",
        visible=lambda user: user.is_authenticated,
    )
)
registry.add_figure(
    DashboardFigure(
        key="lab.cases_to_review",
        label=_("Case studies waiting for your review"),
        value=lambda user: case_queries.waiting_for_review(),
        url_name="lab:cases_to_review",
        visible=is_programme_manager,
        shared=True,
    )
)
registry.add_export(
    Export(
        key="lab.cases",
        label=_("Case studies (CSV): every published case of the lab, with the OECD OPSI fields"),
        url_name="cases:library_csv",
    )
)


def _case_document(case) -> SearchDocument | None:
    if case.status != "published":
        return None  # drafts and cases in review are never in the index
    return SearchDocument(
        title=case.title,
        body=" ".join(
            [case.organisation_name, case.objectives, case.problem, case.innovation, case.results, case.lessons]
            + [tag.name for tag in case.tags.all()]
        ),
        url=case.get_absolute_url(),
    )


registry.add_search_source(
    SearchSource(
        kind="case",
        label=_("Case studies"),
        model=CaseStudy,
        document=_case_document,
        queryset=lambda: case_queries.published().prefetch_related("tags").iterator(chunk_size=1000),
    )
)
registry.add_action(
    NavItem(label=_("Bring a problem to the lab"), url_name="lab:problem_create", visible=is_public_servant, order=20)
)
registry.add_figure(
    DashboardFigure(
        key="lab.to_triage",
        label=_("Problems waiting for triage"),
        value=lambda user: problem_queries.waiting_for_triage(),
        url_name="lab:triage",
        visible=is_programme_manager,
        shared=True,
    )
)

registry.add_action(
    NavItem(label=_("Lab projects"), url_name="lab:portfolio", visible=is_sponsor | is_staff_role, order=21)
)
registry.add_figure(
    DashboardFigure(
        key="lab.gates_waiting",
        label=_("Gate decisions waiting for you"),
        value=project_queries.gates_waiting_for,
        url_name="lab:portfolio",
        visible=is_sponsor,
    )
)
registry.add_figure(
    DashboardFigure(
        key="lab.sponsorships_waiting",
        label=_("Projects asking you to sponsor them"),
        value=project_queries.sponsorships_waiting_for,
        url_name="lab:portfolio",
        visible=is_sponsor,
    )
)

registry.add_link_kind(
    LinkKind(
        key=BECAME_CHALLENGE,
        source="lab.problem",
        target="challenges.challenge",
        forward=_("Became the challenge"),
        backward=_("Started from the lab problem"),
    )
)
registry.add_linked_model(LinkedModel(model="lab.problem", shown=problem_queries.shown_on_trails))
registry.add_linked_model(
    LinkedModel(model="lab.project", shown=project_queries.shown_on_trails, named=project_queries.named_for_links)
)

for kind in [
    NotificationKind(
        "lab.problem_submitted",
        _("Problems brought to the lab"),
        _("“%(problem)s” from %(organisation)s waits for triage"),
        EmailChannel.DIGEST,
        audience=is_programme_manager,
    ),
    NotificationKind(
        "lab.problem_accepted",
        _("Your problems accepted by the lab"),
        _("The lab accepted “%(problem)s” into its portfolio"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.problem_declined",
        _("Your problems declined by the lab"),
        _("The lab declined “%(problem)s”: %(reason)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.problem_merged",
        _("Your problems merged with another"),
        _("The lab merged “%(problem)s” with %(into)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.problem_sent_to_marketplace",
        _("Your problems sent to the challenge marketplace"),
        _("“%(problem)s” became a draft challenge: complete it and send it for review"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.sponsorship_asked",
        _("Requests to sponsor a lab project"),
        _("You are asked to sponsor the lab project “%(project)s”"),
        audience=is_sponsor,
    ),
    NotificationKind(
        "lab.project_started",
        _("Lab projects you are on"),
        _("You are on the team of the lab project “%(project)s”"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.sponsorship_accepted",
        _("Sponsors accepting lab projects"),
        _("%(sponsor)s sponsors the lab project “%(project)s”"),
        audience=is_programme_manager | belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.sponsorship_declined",
        _("Sponsors declining lab projects"),
        _("%(sponsor)s declined to sponsor the lab project “%(project)s”: %(note)s"),
        audience=is_programme_manager | belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.gate_requested",
        _("Gate decisions asked of you"),
        _("The team of “%(project)s” asks for your decision at its gate"),
        audience=is_sponsor,
    ),
    NotificationKind(
        "lab.gate_go",
        _("Go decisions on your lab projects"),
        _("Go for “%(project)s”: %(rationale)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.gate_revise",
        _("Requests to revise on your lab projects"),
        _("The sponsor of “%(project)s” asks the team to revise its request: %(rationale)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.project_stopped",
        _("Your lab projects stopped"),
        _("“%(project)s” is stopped: %(rationale)s"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.split_broken",
        _("Broken splits in your experiments"),
        _("The results of “%(experiment)s” do not match the planned split: find why before reading an effect"),
        audience=belongs_to_a_public_body,
    ),
    NotificationKind(
        "lab.experiment_concluded",
        _("Experiments concluded in projects you sponsor"),
        _("“%(experiment)s” is concluded: %(conclusion)s"),
        audience=is_sponsor,
    ),
    NotificationKind(
        "lab.session_invited",
        _("Invitations to the lab's sessions"),
        _("You are invited to “%(session)s” on %(when)s"),
    ),
    NotificationKind(
        "lab.session_reminder",
        _("Reminders of the sessions you signed up for"),
        _("Reminder: “%(session)s” is on %(when)s"),
    ),
    NotificationKind(
        "lab.case_submitted",
        _("Case studies sent for review"),
        _("The case “%(case)s” waits for your review"),
        EmailChannel.DIGEST,
        audience=is_programme_manager,
    ),
    NotificationKind(
        "lab.case_returned",
        _("Your case studies returned by their reviewer"),
        _("The case “%(case)s” was returned: %(note)s"),
        audience=belongs_to_a_public_body | is_programme_manager,
    ),
    NotificationKind(
        "lab.case_published",
        _("Case studies of your projects published"),
        _("The case “%(case)s” is published in the case library"),
        audience=belongs_to_a_public_body | is_programme_manager,
    ),
]:
    registry.add_notification_kind(kind)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.SUBJECT)
rolematrix.add_subject(matrix.PROJECT_SUBJECT)
rolematrix.add_subject(matrix.EXPERIMENT_SUBJECT)
rolematrix.add_subject(matrix.CASE_SUBJECT)
rolematrix.add_subject(matrix.SESSION_SUBJECT)
rolematrix.add_subject(matrix.PROTOTYPE_SUBJECT)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)

# What a sponsor sponsors, on their page of everything they sponsor.
registry.add_sponsored_source(
    SponsoredSource(
        key="lab.projects",
        label=_("Lab projects"),
        waiting=project_queries.sponsorship_decisions_waiting,
        others=project_queries.sponsored_not_waiting,
        describe=project_queries.as_sponsored,
    )
)
