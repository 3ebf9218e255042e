"""The role matrix's award programmes, nominations and kudos (docs/roles.md), and its jury
member: one builder per state, used by the matrix and by the tests, and what each recognition
permission means."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ponte.accounts.matrix import person
from ponte.core.rolematrix import Case, Role, Subject, World

from .models import AwardProgramme, Category, JuryReview, Kudos, Nomination, NominationStatus, NomineeKind, ReviewStatus

ROLE = Role("juror", "jury member", "a member of the award programme's jury", 48, person("juror", "jury member"))

# Each phase of a programme: when nominations open and close, in days from now, and whether
# its winners are announced.
PROGRAMME_PHASES = {
    "nominations not open yet": (10, 40, False),
    "nominations open": (-10, 20, False),
    "jury scoring": (-40, -10, False),
    "winners announced": (-80, -50, True),
}


def make_programme(world: World, phase: str = "nominations open") -> AwardProgramme:
    """A programme in `phase` with one category, the World's jury member on its jury. Made
    directly: the services refuse dates in the past."""
    opens, closes, announced = PROGRAMME_PHASES[phase]
    now = timezone.now()
    programme = AwardProgramme.objects.create(
        title=f"Roles matrix awards {phase} {world.token}",
        description="Roles matrix",
        year=now.year,
        nominations_open_at=now + timedelta(days=opens),
        nominations_close_at=now + timedelta(days=closes),
        announced_at=now if announced else None,
        created_by=world.people["programme_manager"],
    )
    programme.jury.add(world.people["juror"])
    Category.objects.create(programme=programme, title="Roles matrix category", description="Roles matrix")
    return programme


PROGRAMME_SUBJECT = Subject(
    key="award_programme",
    label="award programme (the jury member on its jury)",
    states=tuple((phase, lambda world, phase=phase: make_programme(world, phase)) for phase in PROGRAMME_PHASES),
)

# Each state of the citizen's nomination: the programme's phase, whether it was withdrawn,
# the jury member's declaration (None before it), and whether it won.
NOMINATION_STATES = {
    "nominations open": ("nominations open", False, None, False),
    "withdrawn": ("nominations open", True, None, False),
    "jury scoring, not declared": ("jury scoring", False, None, False),
    "jury scoring, no conflict": ("jury scoring", False, ReviewStatus.CLEARED, False),
    "jury scoring, conflict declared": ("jury scoring", False, ReviewStatus.RECUSED, False),
    "won, announced": ("winners announced", False, ReviewStatus.CLEARED, True),
}


def make_nomination(world: World, state: str = "nominations open") -> Nomination:
    """The citizen's nomination of a person in a programme in the state's phase."""
    phase, withdrawn, declared, won = NOMINATION_STATES[state]
    programme = make_programme(world, phase)
    now = timezone.now()
    nomination = Nomination.objects.create(
        category=programme.categories.get(),
        kind=NomineeKind.PERSON,
        nominee="Roles matrix nominee",
        statement="Roles matrix statement",
        nominated_by=world.people["citizen"],
        status=NominationStatus.WITHDRAWN if withdrawn else NominationStatus.SUBMITTED,
        withdrawn_at=now if withdrawn else None,
        won_at=now if won else None,
        citation="Roles matrix citation" if won else "",
    )
    if declared is not None:
        JuryReview.objects.create(nomination=nomination, juror=world.people["juror"], status=declared)
    return nomination


NOMINATION_SUBJECT = Subject(
    key="nomination",
    label="nomination (by the citizen; the jury member on the programme's jury)",
    states=tuple((state, lambda world, state=state: make_nomination(world, state)) for state in NOMINATION_STATES),
)


def make_kudos(world: World) -> Kudos:
    return Kudos.objects.create(
        target_model="organisations.organisation", target_id=1, author=world.people["citizen"], message="Thanks"
    )


KUDOS_SUBJECT = Subject(key="kudos", label="kudos (given by the citizen)", states=(("given", make_kudos),))

CASES = {
    "recognition.add_programme": Case("Set up an award programme."),
    "recognition.change_programme": Case("Change a programme until its winners are announced.", "award_programme"),
    "recognition.change_categories": Case("Add or remove categories, before nominations open.", "award_programme"),
    "recognition.name_jury": Case("Name or remove jury members until the winners are announced.", "award_programme"),
    "recognition.nominate": Case(
        "Nominate a person, team, project or exemption while nominations are open.", "award_programme"
    ),
    "recognition.read_jury_work": Case(
        "Open the jury's list of nominations (filled once nominations close): its members.", "award_programme"
    ),
    "recognition.view_ranking": Case("Read the nominations ranked by the jury's scores.", "award_programme"),
    "recognition.announce": Case(
        "Announce the winners to the hall of fame, once nominations have closed.", "award_programme"
    ),
    "recognition.view_nomination": Case(
        "Read the nomination and its statement: the nominator, the programme managers, and jury members who "
        "declared no conflict of interest.",
        "nomination",
    ),
    "recognition.withdraw_nomination": Case("Withdraw one's own nomination while nominations are open.", "nomination"),
    "recognition.declare_conflict": Case(
        "Declare whether one has a conflict of interest with the nominee: a jury member, once, while the jury scores.",
        "nomination",
    ),
    "recognition.score_nomination": Case(
        "Score the nomination: a jury member who declared no conflict, while the jury scores.", "nomination"
    ),
    "recognition.choose_winner": Case("Choose the nomination as its category's winner, with a citation.", "nomination"),
    "recognition.give_kudos": Case("Thank a lab project or a team for a result, on its page."),
    "recognition.withdraw_kudos": Case("Withdraw thanks: their author, or a moderator.", "kudos"),
}
