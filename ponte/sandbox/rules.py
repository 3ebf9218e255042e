"""Who may do what in the sandbox: a role predicate AND a phase or state predicate. Calls are
public; an application is its bodies' members' while it is a draft and, once sent, also the
responsible ministry's members' and the programme managers', who talk it over with the
applicants; only the responsible ministry invites the final application and decides."""

from datetime import timedelta

import rules
from django.utils import timezone

from ponte.core.roles import is_programme_manager
from ponte.core.sponsorship import is_its_sponsor, may_ask_a_sponsor, may_be_answered
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import is_public_servant

from .models import (
    APPLICATION_LIFECYCLE,
    DIALOGUE_STATUSES,
    EDITABLE_STATUSES,
    REPORT_EARLY_DAYS,
    SEND_VERBS,
    CallPhase,
    ExemptionPhase,
    Outcome,
)


@rules.predicate
def is_open_call(user, call) -> bool:
    return call is not None and call.phase == CallPhase.OPEN


@rules.predicate
def is_unclosed_call(user, call) -> bool:
    """Still to open or taking applications: a programme manager may still change or close it."""
    return call is not None and call.phase != CallPhase.CLOSED


@rules.predicate
def is_of_coordinator(user, application) -> bool:
    """A member of the body that applies (and coordinates the network, if there is one)."""
    return application is not None and application.coordinator_id in roles_of(user)


@rules.predicate
def is_of_network(user, application) -> bool:
    """A member of one of the other bodies of the application's network."""
    if application is None:
        return False
    bodies = roles_of(user)
    return any(body.pk in bodies for body in application.partners.all())


@rules.predicate
def is_of_ministry(user, application) -> bool:
    """A member of the ministry responsible for the rules to waive."""
    return application is not None and application.ministry_id is not None and application.ministry_id in roles_of(user)


@rules.predicate
def is_sent(user, application) -> bool:
    """Sent once, whatever came after: a draft withdrawn before it was sent stays its bodies' own."""
    return application is not None and application.submitted_at is not None


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.status in EDITABLE_STATUSES


@rules.predicate
def is_in_dialogue(user, application) -> bool:
    return application is not None and application.status in DIALOGUE_STATUSES


@rules.predicate
def is_ready_to_send(user, application) -> bool:
    """A draft, a preliminary application with changes asked, or a final one being written."""
    return application is not None and application.status in SEND_VERBS


@rules.predicate
def may_read_its_application(user, message) -> bool:
    return message is not None and user.has_perm("sandbox.view_application", message.application)


@rules.predicate
def wrote_it_in_dialogue(user, message) -> bool:
    return (
        message is not None
        and user.is_authenticated
        and message.author_id == user.pk
        and message.application.status in DIALOGUE_STATUSES
    )


# An exemption: its application's bodies run it; its ministry may revoke it and records what came of it.
@rules.predicate
def runs_the_exemption(user, exemption) -> bool:
    return exemption is not None and exemption.application.coordinator_id in roles_of(user)


@rules.predicate
def granted_the_exemption(user, exemption) -> bool:
    return exemption is not None and exemption.application.ministry_id in roles_of(user)


@rules.predicate
def has_a_report_due(user, exemption) -> bool:
    """Not revoked, started, and a due date near enough (REPORT_EARLY_DAYS) without a report."""
    if exemption is None or exemption.phase in (ExemptionPhase.REVOKED, ExemptionPhase.UPCOMING):
        return False
    due = exemption.next_report_due
    return due is not None and due <= timezone.localdate() + timedelta(days=REPORT_EARLY_DAYS)


@rules.predicate
def is_running(user, exemption) -> bool:
    return exemption is not None and exemption.phase in (ExemptionPhase.UPCOMING, ExemptionPhase.ACTIVE)


@rules.predicate
def is_over(user, exemption) -> bool:
    """Past its last day or revoked, and its outcome not settled yet (an extension settles nothing)."""
    return (
        exemption is not None
        and exemption.phase in (ExemptionPhase.EXPIRED, ExemptionPhase.REVOKED)
        and exemption.outcome in ("", Outcome.EXTENDED, Outcome.REVOKED)
    )


@rules.predicate
def is_expired_unsettled(user, exemption) -> bool:
    return (
        exemption is not None
        and exemption.phase == ExemptionPhase.EXPIRED
        and exemption.outcome
        in (
            "",
            Outcome.EXTENDED,
        )
    )


is_party = is_of_coordinator | is_of_network | is_of_ministry | is_programme_manager

rules.add_perm("sandbox.open_call", is_programme_manager)
rules.add_perm("sandbox.change_call", is_programme_manager & is_unclosed_call)
rules.add_perm("sandbox.close_call", is_programme_manager & is_unclosed_call)
rules.add_perm("sandbox.apply", is_public_servant & is_open_call)
rules.add_perm(
    "sandbox.view_application",
    is_of_coordinator | is_of_network | (is_sent & (is_of_ministry | is_programme_manager)),
)
rules.add_perm("sandbox.change_application", is_of_coordinator & is_editable)
rules.add_perm("sandbox.submit_application", is_of_coordinator & is_ready_to_send)
rules.add_perm("sandbox.withdraw_application", is_of_coordinator & APPLICATION_LIFECYCLE.allows("withdraw"))
rules.add_perm("sandbox.write_message", is_party & is_in_dialogue)
rules.add_perm(
    "sandbox.ask_changes",
    (is_of_ministry | is_programme_manager)
    & (APPLICATION_LIFECYCLE.allows("ask_changes") | APPLICATION_LIFECYCLE.allows("ask_final_changes")),
)
rules.add_perm("sandbox.invite_final", is_of_ministry & APPLICATION_LIFECYCLE.allows("invite_final"))
rules.add_perm("sandbox.approve_application", is_of_ministry & APPLICATION_LIFECYCLE.allows("approve"))
rules.add_perm("sandbox.reject_application", is_of_ministry & APPLICATION_LIFECYCLE.allows("reject"))
# A message's files: read by whoever reads its application; attached by its author while the
# application is talked over.
rules.add_perm("sandbox.report_progress", runs_the_exemption & has_a_report_due)
rules.add_perm("sandbox.revoke_exemption", granted_the_exemption & is_running)
rules.add_perm("sandbox.evaluate_exemption", runs_the_exemption & is_over)
rules.add_perm("sandbox.record_outcome", granted_the_exemption & is_expired_unsettled)
# The sponsor named by the decision accepts or declines while the exemption runs (or is to
# start); after a decline, the ministry asks another.
rules.add_perm("sandbox.answer_sponsorship", is_its_sponsor & may_be_answered & is_running)
rules.add_perm("sandbox.ask_another_sponsor", granted_the_exemption & may_ask_a_sponsor & is_running)
rules.add_perm("sandbox.view_message", may_read_its_application)
rules.add_perm("sandbox.attach_to_message", wrote_it_in_dialogue)
