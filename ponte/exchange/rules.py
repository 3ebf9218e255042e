"""Who may do what in the exchange: a role predicate AND a phase or state predicate. Rounds are
public; an application is its applicant's, their organisation admins' and the programme
managers' alone."""

import rules

from ponte.core.roles import is_programme_manager, is_staff_role
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import administers_an_organisation, is_company_member, is_public_servant

from .models import APPLICATION_LIFECYCLE, ROUND_LIFECYCLE, RoundPhase

# Organisation admins decide on applications until the matching is done.
DECIDING_PHASES = (RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING)
# Organisations say how many guests they can host until the matching is done.
HOSTING_PHASES = (RoundPhase.UPCOMING, RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING)


@rules.predicate
def is_live_round(user, round) -> bool:
    """Not finished nor cancelled: still to happen or happening (by the server clock)."""
    return round is not None and round.is_live


@rules.predicate
def is_taking_applications(user, round) -> bool:
    return round is not None and round.phase == RoundPhase.APPLICATIONS_OPEN


@rules.predicate
def is_taking_hosting(user, round) -> bool:
    return round is not None and round.phase in HOSTING_PHASES


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def administers_its_organisation(user, application) -> bool:
    return application is not None and roles_of(user).get(application.organisation_id) == "admin"


@rules.predicate
def is_being_decided(user, application) -> bool:
    return application is not None and application.round.phase in DECIDING_PHASES


rules.add_perm("exchange.view_round", rules.always_allow)
rules.add_perm("exchange.open_round", is_programme_manager)
rules.add_perm("exchange.change_round", is_programme_manager & is_live_round)
rules.add_perm("exchange.cancel_round", is_programme_manager & ROUND_LIFECYCLE.allows("cancel") & is_live_round)

# Members of a verified public body or company apply while the round takes applications.
rules.add_perm("exchange.apply", (is_public_servant | is_company_member) & is_taking_applications)
rules.add_perm("exchange.state_hosting", administers_an_organisation & is_taking_hosting)
rules.add_perm("exchange.view_application", is_applicant | administers_its_organisation | is_staff_role)
rules.add_perm(
    "exchange.decide_application",
    administers_its_organisation & APPLICATION_LIFECYCLE.allows("approve") & is_being_decided,
)
