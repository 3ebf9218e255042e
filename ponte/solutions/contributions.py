"""What the solutions app contributes: navigation, a figure, search, notification kinds."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.models import EmailChannel
from ponte.core.registry import (
    AttachmentTarget,
    DashboardFigure,
    NavItem,
    NotificationKind,
    PageSection,
    SearchDocument,
    SearchSource,
    registry,
)
from ponte.core.roles import is_programme_manager
from ponte.organisations.models import Organisation
from ponte.organisations.rules import belongs_to_a_company

from . import matrix
from .models import Solution, Status
from .queries import PUBLIC, company_solutions, is_public

registry.add_nav(NavItem(label=_("Solutions"), url_name="solutions:list", order=20))
# Pictures and documents of a solution: whoever sees the solution sees them; whoever may
# change the solution adds or removes them (adding sends a published one back to screening).
registry.add_organisation_section(
    PageSection(key="solutions", order=10, template="solutions/profile/solutions.html", context=company_solutions)
)
registry.add_attachment_target(
    AttachmentTarget(
        model=Solution, view_permission="solutions.view_solution", add_permission="solutions.change_solution"
    )
)


def _document(solution: Solution) -> SearchDocument | None:
    if not is_public(solution):
        return None  # drafts, solutions waiting for screening and those of a suspended company
    return SearchDocument(
        title=solution.title,
        body=" ".join(filter(None, [solution.summary, solution.description, solution.references])),
        url=solution.get_absolute_url(),
    )


registry.add_search_source(
    SearchSource(
        kind="solution",
        label=_("Solutions"),
        model=Solution,
        document=_document,
        queryset=lambda: Solution.objects.filter(PUBLIC).select_related("company").iterator(),
        # A company's status decides whether its solutions are public: suspending it takes
        # them out of search, reinstating it puts them back.
        depends_on={
            Organisation: lambda organisation: Solution.objects.filter(
                company=organisation, status=Status.PUBLISHED
            ).select_related("company")
        },
    )
)


def _to_screen(user):
    from .queries import to_screen

    return to_screen()


registry.add_figure(
    DashboardFigure(
        key="solutions.to_screen",
        label=_("Solutions to screen"),
        value=_to_screen,
        url_name="solutions:screening",
        visible=is_programme_manager,
        shared=True,
    )
)

for kind in [
    NotificationKind(
        "solutions.to_screen",
        _("Solutions waiting for screening"),
        _("“%(solution)s” from %(company)s waits for screening"),
        EmailChannel.DIGEST,
        audience=is_programme_manager,
    ),
    NotificationKind(
        "solutions.published",
        _("Publication of your company's solutions"),
        _("“%(solution)s” is published"),
        audience=belongs_to_a_company,
    ),
    NotificationKind(
        "solutions.returned",
        _("Solutions returned to your company"),
        _("“%(solution)s” is returned for changes: %(reason)s"),
        audience=belongs_to_a_company,
    ),
]:
    registry.add_notification_kind(kind)


# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.SUBJECT)
