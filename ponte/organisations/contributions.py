"""What the organisations app contributes to the platform: navigation, figures, search,
notification kinds and attachment targets."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.models import EmailChannel, Visibility
from ponte.core.registry import (
    AttachmentTarget,
    DashboardFigure,
    Export,
    NavItem,
    NotificationKind,
    PageSection,
    SearchDocument,
    SearchSource,
    registry,
)
from ponte.core.roles import is_authenticated, is_programme_manager

from . import matrix
from .models import Organisation, Status
from .rules import administers_an_organisation, belongs_to_an_organisation

registry.add_nav(NavItem(label=_("Organisations"), url_name="organisations:list", order=80))
registry.add_export(
    Export(
        key="organisations",
        label=_("Organisations (CSV): every verified public body and company"),
        url_name="organisations:export_csv",
    )
)


def _document(organisation: Organisation) -> SearchDocument:
    return SearchDocument(
        title=organisation.name,
        body=" ".join(filter(None, [organisation.description, organisation.registration_number])),
        url=organisation.get_absolute_url(),
        visibility=Visibility.PUBLIC if organisation.status == Status.VERIFIED else Visibility.MEMBERS,
        organisation_id=organisation.pk,
    )


registry.add_search_source(
    SearchSource(
        kind="organisation",
        label=_("Organisations"),
        model=Organisation,
        document=_document,
        queryset=lambda: Organisation.objects.all().iterator(),
    )
)

registry.add_attachment_target(
    AttachmentTarget(
        model=Organisation, view_permission="organisations.view_documents", add_permission="organisations.add_document"
    )
)


def _to_verify(user):
    from .queries import awaiting_verification

    return awaiting_verification()


def _join_requests(user):
    from .queries import join_requests_awaiting

    return join_requests_awaiting(user)


def _invitations(user) -> int:
    from .queries import invitations_for

    return len(invitations_for(user))


registry.add_figure(
    DashboardFigure(
        key="organisations.to_verify",
        label=_("Organisations to verify"),
        value=_to_verify,
        url_name="organisations:verification",
        visible=is_programme_manager,
        shared=True,
    )
)
registry.add_figure(
    DashboardFigure(
        key="organisations.join_requests",
        label=_("Requests to join your organisations"),
        value=_join_requests,
        visible=is_authenticated,
    )
)
registry.add_figure(
    DashboardFigure(
        key="organisations.invitations", label=_("Invitations for you"), value=_invitations, visible=is_authenticated
    )
)

for kind in [
    NotificationKind(
        "organisations.invitation",
        _("Invitations to join an organisation"),
        _("%(inviter)s invited you to join %(organisation)s"),
    ),
    NotificationKind(
        "organisations.invitation_accepted",
        _("Invitations you sent are accepted"),
        _("%(person)s accepted your invitation to %(organisation)s"),
        EmailChannel.DIGEST,
        audience=administers_an_organisation,
    ),
    NotificationKind(
        "organisations.join_request",
        _("Requests to join an organisation you administer"),
        _("%(person)s asks to join %(organisation)s"),
        audience=administers_an_organisation,
    ),
    NotificationKind(
        "organisations.join_decision",
        _("Answers to your requests to join"),
        _("Your request to join %(organisation)s was answered"),
    ),
    NotificationKind(
        "organisations.removed",
        _("Removal from an organisation"),
        _("You are no longer a member of %(organisation)s"),
        audience=belongs_to_an_organisation,
    ),
    NotificationKind(
        "organisations.to_verify",
        _("New organisations to verify"),
        _("%(organisation)s registered and awaits verification"),
        EmailChannel.DIGEST,
        audience=is_programme_manager,
    ),
    NotificationKind(
        "organisations.verified",
        _("Verification of your organisation"),
        _("%(organisation)s is verified and visible to everyone"),
        audience=administers_an_organisation,
    ),
    NotificationKind(
        "organisations.suspended",
        _("Suspension of your organisation"),
        _("%(organisation)s was suspended: %(reason)s"),
        audience=administers_an_organisation,
    ),
]:
    registry.add_notification_kind(kind)


# A person's home page: invitations and requests waiting for them, then their organisations.


def _invitations(user) -> dict | None:
    from .queries import invitations_for

    invitations = invitations_for(user)
    return {"invitations": invitations} if invitations else None


def _join_requests(user) -> dict | None:
    from .queries import join_requests_awaiting

    requests = list(join_requests_awaiting(user)[:10])
    return {"join_requests": requests} if requests else None


def _memberships(user) -> dict:
    from .queries import memberships_of

    return {"memberships": memberships_of(user)}


for section in (
    PageSection(
        key="organisations.invitations", order=10, template="organisations/home/invitations.html", context=_invitations
    ),
    PageSection(
        key="organisations.join_requests",
        order=20,
        template="organisations/home/join_requests.html",
        context=_join_requests,
    ),
    PageSection(
        key="organisations.memberships", order=90, template="organisations/home/memberships.html", context=_memberships
    ),
):
    registry.add_home_section(section)


# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.SUBJECT)
for role in matrix.ROLES:
    rolematrix.add_role(role)
