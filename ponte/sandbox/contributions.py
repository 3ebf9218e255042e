"""What the sandbox contributes: its place in the navigation, its notification kinds, the
moments its kept pages expire (a call opening or closing), and its part of the role matrix."""

from django.utils.translation import gettext_lazy as _

from ponte.core import rolematrix
from ponte.core.registry import (
    AttachmentTarget,
    DashboardFigure,
    Export,
    LinkedModel,
    LinkKind,
    NavItem,
    NotificationKind,
    SponsoredSource,
    registry,
)
from ponte.core.roles import is_programme_manager, is_sponsor
from ponte.organisations.rules import is_public_servant

from . import matrix
from .models import Message
from .queries import indicators


def _next_call_change(now):
    from .queries.calls import next_clock_event

    return next_clock_event(now)


def _next_exemption_change(now):
    from .queries.register import next_clock_event

    return next_clock_event(now)


registry.add_nav(NavItem(label=_("Sandbox"), url_name="sandbox:home", order=37))
# A call's phase follows from its dates: no kept page outlives the next change (core.pagecache).
registry.add_clock_event(_next_call_change)
# An exemption is active from its first day to its last: the register follows the clock too.
registry.add_clock_event(_next_exemption_change)
registry.add_export(
    Export(
        key="sandbox.register",
        label=_("Exemption register (CSV): every rule waived, for whom, where and when, under which conditions"),
        url_name="sandbox:register_csv",
    )
)
registry.add_action(
    NavItem(
        label=_("Sandbox applications"),
        url_name="sandbox:applications",
        visible=is_public_servant | is_programme_manager,
        order=24,
    )
)


def _overdue(user):
    from .queries.register import overdue_reports

    return overdue_reports().order_by()


registry.add_figure(
    DashboardFigure(
        key="sandbox.reports_overdue",
        label=_("Exemptions with a progress report overdue"),
        value=_overdue,
        url_name="sandbox:reports_due",
        visible=is_programme_manager,
        shared=True,
    )
)
registry.add_action(
    NavItem(label=_("Exemption reports due"), url_name="sandbox:reports_due", visible=is_programme_manager, order=25)
)

for kind in [
    NotificationKind(
        "sandbox.application_submitted",
        _("Applications to waive a rule, sent to you"),
        _("%(organisation)s applies to waive a rule: “%(application)s”"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.application_resubmitted",
        _("Applications to waive a rule, sent again with the changes asked"),
        _("%(organisation)s sent “%(application)s” again, with the changes asked"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.final_application_submitted",
        _("Final applications to waive a rule, waiting for the ministry's decision"),
        _("%(organisation)s sent its final application “%(application)s”: it waits for the ministry's decision"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.message_written",
        _("Messages about applications to waive a rule"),
        _("%(person)s wrote about “%(application)s”"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.changes_asked",
        _("Changes asked to your applications to waive a rule"),
        _("Changes are asked to “%(application)s”: read the message, change the application and send it again"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.final_invited",
        _("Invitations to send a final application"),
        _("The ministry invites the final application of “%(application)s”, with its draft local statement"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.application_approved",
        _("Your applications to waive a rule, approved"),
        _("“%(application)s” is approved (%(legal_basis)s): the exemption is in the public register"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.application_rejected",
        _("Your applications to waive a rule, rejected"),
        _("“%(application)s” is rejected: %(reason)s"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.report_due",
        _("Progress reports due on your exemptions"),
        _("A progress report on “%(application)s” is due on %(due)s"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.report_overdue",
        _("Progress reports overdue on exemptions"),
        _("The progress report on “%(application)s” due on %(due)s is overdue"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.report_sent",
        _("Progress reports sent on exemptions"),
        _("%(organisation)s sent the progress report on “%(application)s” due on %(due)s"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.exemption_ending",
        _("Exemptions ending soon"),
        _("The exemption for “%(application)s” ends on %(ends)s: plan its evaluation"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.exemption_revoked",
        _("Your exemptions revoked"),
        _("The exemption for “%(application)s” is revoked: %(reason)s"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.exemption_evaluated",
        _("Final evaluations of exemptions"),
        _("%(organisation)s evaluated “%(application)s”: record its outcome"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.outcome_recorded",
        _("Outcomes of your exemptions"),
        _("The outcome of “%(application)s” is recorded: read it in the register"),
        audience=is_public_servant,
    ),
    NotificationKind(
        "sandbox.sponsorship_asked",
        _("Requests to sponsor an exemption"),
        _("You are asked to sponsor exemption %(reference)s, “%(application)s”"),
        audience=is_sponsor,
    ),
    NotificationKind(
        "sandbox.sponsorship_accepted",
        _("Sponsors accepting exemptions"),
        _("%(sponsor)s sponsors exemption %(reference)s, “%(application)s”"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.sponsorship_declined",
        _("Sponsors declining exemptions"),
        _("%(sponsor)s declined to sponsor exemption %(reference)s, “%(application)s”: %(note)s"),
        audience=is_public_servant | is_programme_manager,
    ),
    NotificationKind(
        "sandbox.application_withdrawn",
        _("Applications to waive a rule, withdrawn"),
        _("%(organisation)s withdrew its application “%(application)s”: %(reason)s"),
        audience=is_public_servant | is_programme_manager,
    ),
]:
    registry.add_notification_kind(kind)


def _exemptions_shown(viewer, ids):
    from .queries.register import shown_on_trails

    return shown_on_trails(viewer, ids)


# An approved exemption appears on the trail of the lab project that runs its experiment.
registry.add_link_kind(
    LinkKind(
        key="sandbox.exemption_for_project",
        source="sandbox.exemption",
        target="lab.project",
        forward=_("Experiment run by the lab project"),
        backward=_("Runs under the rule exemption"),
    )
)


def _exemptions_named(viewer, text):
    from .queries.register import named_for_links

    return named_for_links(viewer, text)


registry.add_linked_model(LinkedModel(model="sandbox.exemption", shown=_exemptions_shown, named=_exemptions_named))

registry.add_attachment_target(
    AttachmentTarget(model=Message, view_permission="sandbox.view_message", add_permission="sandbox.attach_to_message")
)

# The role matrix (docs/roles.md): what this app adds to it.
rolematrix.add_role(matrix.ROLE)
rolematrix.add_cases(matrix.CASES)
rolematrix.add_subject(matrix.CALL_SUBJECT)
rolematrix.add_subject(matrix.APPLICATION_SUBJECT)
rolematrix.add_subject(matrix.MESSAGE_SUBJECT)
rolematrix.add_subject(matrix.EXEMPTION_SUBJECT)
rolematrix.add_subject(matrix.EXEMPTION_SPONSORSHIP_SUBJECT)

# The leadership dashboard's figures from this module (core.indicators).
for indicator in indicators.INDICATORS:
    registry.add_indicator(indicator)


def _waiting_for_sponsor(user):
    from .queries.register import decisions_waiting_for_sponsor

    return decisions_waiting_for_sponsor(user)


def _sponsored_others(user):
    from .queries.register import sponsored_not_waiting

    return sponsored_not_waiting(user)


def _as_sponsored(exemption):
    from .queries.register import as_sponsored

    return as_sponsored(exemption)


# What a sponsor sponsors, on their page of everything they sponsor.
registry.add_sponsored_source(
    SponsoredSource(
        key="sandbox.exemptions",
        label=_("Exemptions"),
        waiting=_waiting_for_sponsor,
        others=_sponsored_others,
        describe=_as_sponsored,
    )
)
