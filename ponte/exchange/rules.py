"""Who may do what in the exchange: a role predicate AND a phase or state predicate. Rounds are
public; an application is its applicant's, their organisation admins' and the programme
managers' alone."""

import rules
from django.utils import timezone

from ponte.core.roles import is_programme_manager, is_staff_role
from ponte.organisations.queries import roles_of
from ponte.organisations.rules import administers_an_organisation, is_company_member, is_public_servant

from .models import APPLICATION_LIFECYCLE, PAIR_LIFECYCLE, ROUND_LIFECYCLE, TEAM_LIMIT, PairStatus, RoundPhase

# Organisation admins decide on applications until the matching is done.
DECIDING_PHASES = (RoundPhase.APPLICATIONS_OPEN, RoundPhase.MATCHING)
# The two people of a pair answer its proposal until their week begins, in these phases.
ANSWERING_PHASES = (RoundPhase.MATCHING, RoundPhase.UNDER_WAY)
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


@rules.predicate
def is_matching(user, round) -> bool:
    """Applications are closed and the exchanges have not started: the round is matched now."""
    return round is not None and round.phase == RoundPhase.MATCHING


@rules.predicate
def is_in_pair(user, pair) -> bool:
    return (
        pair is not None and user.is_authenticated and user.pk in (pair.public.applicant_id, pair.company.applicant_id)
    )


@rules.predicate
def administers_a_pair_organisation(user, pair) -> bool:
    if pair is None:
        return False
    roles = roles_of(user)
    return "admin" in (roles.get(pair.public.organisation_id), roles.get(pair.company.organisation_id))


@rules.predicate
def is_sent(user, pair) -> bool:
    """The two people were asked: until then the pair is the programme managers' draft."""
    return pair is not None and pair.sent_at is not None


@rules.predicate
def is_pair_of_round_matching(user, pair) -> bool:
    return pair is not None and pair.round.phase == RoundPhase.MATCHING


@rules.predicate
def awaits_their_answer(user, pair) -> bool:
    """The person has not answered yet, and there is time to: the round is not cancelled nor
    over, and the pair's week has not begun."""
    if pair is None or not user.is_authenticated:
        return False
    if pair.round.phase not in ANSWERING_PHASES or pair.slot_starts <= timezone.localdate():
        return False
    if user.pk == pair.public.applicant_id:
        return not pair.public_answer
    return user.pk == pair.company.applicant_id and not pair.company_answer


@rules.predicate
def is_before_its_days(user, pair) -> bool:
    return pair is not None and pair.slot_starts > timezone.localdate()


@rules.predicate
def is_not_over(user, pair) -> bool:
    return pair is not None and pair.slot_ends >= timezone.localdate()


@rules.predicate
def is_confirmed(user, pair) -> bool:
    return pair is not None and pair.status == PairStatus.CONFIRMED


@rules.predicate
def takes_part_in_its_round(user, challenge) -> bool:
    """An approved applicant of the challenge's round."""
    from .queries.teams import participation

    return challenge is not None and participation(user, challenge.round) is not None


@rules.predicate
def is_in_its_team(user, challenge) -> bool:
    return (
        challenge is not None
        and user.is_authenticated
        and any(member.person_id == user.pk for member in challenge.members.all())
    )


@rules.predicate
def has_no_team_in_its_round(user, challenge) -> bool:
    from .queries.teams import team_of

    return challenge is not None and team_of(user, challenge.round) is None


@rules.predicate
def is_team_open(user, challenge) -> bool:
    """The round is still to happen or happening, and the team has room."""
    return challenge is not None and challenge.round.is_live and len(challenge.members.all()) < TEAM_LIMIT


@rules.predicate
def is_live_round_of_challenge(user, challenge) -> bool:
    return challenge is not None and challenge.round.is_live


@rules.predicate
def is_round_not_cancelled(user, challenge) -> bool:
    return challenge is not None and challenge.round.phase != RoundPhase.CANCELLED


@rules.predicate
def is_over(user, pair) -> bool:
    """A confirmed exchange whose days are past."""
    return pair is not None and pair.status == PairStatus.CONFIRMED and pair.slot_ends < timezone.localdate()


@rules.predicate
def is_a_host(user, pair) -> bool:
    """An admin of one of the pair's organisations, or a mentor of one of its visits."""
    return pair is not None and user.is_authenticated and user.pk in (pair.public_mentor_id, pair.company_mentor_id)


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

# Matching: the programme managers run it, read every pair, lock or exclude proposals and send
# them; each of the two people of a sent proposal accepts or declines it.
rules.add_perm("exchange.view_matching", is_staff_role)
rules.add_perm("exchange.run_matching", is_programme_manager & is_matching)
rules.add_perm("exchange.send_proposals", is_programme_manager & is_matching)
# A mentor reads the exchange they host: its programme, its days, and its survey once it is over.
rules.add_perm(
    "exchange.view_pair", is_staff_role | ((is_in_pair | administers_a_pair_organisation | is_a_host) & is_sent)
)
rules.add_perm(
    "exchange.change_pair", is_programme_manager & PAIR_LIFECYCLE.allows("exclude") & is_pair_of_round_matching
)
rules.add_perm("exchange.answer_pair", is_in_pair & is_sent & PAIR_LIFECYCLE.allows("decline") & awaits_their_answer)

# Scheduling a confirmed exchange: each host organisation's admins name a mentor and write a
# programme for their guest until the exchange is over; either of the two people or a programme
# manager moves its days before it starts, or cancels it until it is over.
rules.add_perm("exchange.plan_visit", administers_a_pair_organisation & is_confirmed & is_not_over)
rules.add_perm("exchange.reschedule_pair", (is_in_pair | is_programme_manager) & is_confirmed & is_before_its_days)
rules.add_perm(
    "exchange.cancel_pair", (is_in_pair | is_programme_manager) & PAIR_LIFECYCLE.allows("cancel") & is_not_over
)

# Mixed teams: the round's approved applicants join one team of its challenges while the round is
# live; the round's approved applicants and the staff read who is in each team (the public reads
# its size); the team and the programme managers keep its Change Meter, which the public reads,
# for as long as the change takes (a round cancelled stops it).
rules.add_perm("exchange.join_team", takes_part_in_its_round & has_no_team_in_its_round & is_team_open)
rules.add_perm("exchange.leave_team", is_in_its_team & is_live_round_of_challenge)
rules.add_perm("exchange.view_team", is_staff_role | takes_part_in_its_round)
rules.add_perm("exchange.update_change_meter", (is_in_its_team | is_programme_manager) & is_round_not_cancelled)

# After the exchange: each guest answers the survey of their visit with their learning report,
# each host (an admin of the organisation, or the mentor) the survey of the visit it hosted; the
# two people, their organisations' admins and the programme managers record the collaborations
# that follow.
rules.add_perm("exchange.give_guest_feedback", is_in_pair & is_over)
rules.add_perm("exchange.give_host_feedback", (administers_a_pair_organisation | is_a_host) & is_over)
rules.add_perm(
    "exchange.record_follow_up", (is_in_pair | administers_a_pair_organisation | is_programme_manager) & is_over
)
