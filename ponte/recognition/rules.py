"""Who may do what in recognition: a role predicate AND a state predicate. Programme managers
run award programmes (categories, jury, winners); anyone signed in nominates while nominations
are open and withdraws their own nomination until they close; each jury member declares any
conflict of interest with a nomination, and scores it only when they declared none, while the
jury is scoring. Winners are chosen, and announced, once nominations have closed."""

import rules

from ponte.core.roles import is_authenticated, is_moderator, is_programme_manager

from .models import NOMINATION_LIFECYCLE, Nomination, NominationStatus, ProgrammePhase, ReviewStatus


def _in_phase(*phases):
    return rules.predicate(
        lambda user, programme: programme is not None and programme.phase in phases,
        name="programme_in_" + "_or_".join(phases),
    )


is_upcoming = _in_phase(ProgrammePhase.UPCOMING)
is_nominating = _in_phase(ProgrammePhase.NOMINATING)
is_judging = _in_phase(ProgrammePhase.JUDGING)
is_not_announced = _in_phase(ProgrammePhase.UPCOMING, ProgrammePhase.NOMINATING, ProgrammePhase.JUDGING)


@rules.predicate
def has_no_nominations(user, programme) -> bool:
    """No one has nominated in it, withdrawn nominations included (a programme whose opening was
    moved later after nominations came in is upcoming again, with nominations in its categories)."""
    return programme is not None and not Nomination.objects.filter(category__programme=programme).exists()


@rules.predicate
def is_juror(user, programme) -> bool:
    if programme is None or not user.is_authenticated:
        return False
    cached = getattr(programme, "_jury_ids", None)
    if cached is None:
        cached = programme._jury_ids = set(programme.jury.values_list("pk", flat=True))
    return user.pk in cached


def _of_programme(predicate):
    """`predicate`, asked of the nomination's programme."""
    return rules.predicate(
        lambda user, nomination: nomination is not None and predicate(user, nomination.category.programme),
        name=f"programme_{predicate.name}",
    )


def review_by(user, nomination):
    """The person's review of the nomination, or None (read once per nomination and person)."""
    if nomination is None or not user.is_authenticated:
        return None
    kept = nomination.__dict__.setdefault("_reviews_by", {})
    if user.pk not in kept:
        kept[user.pk] = nomination.reviews.filter(juror=user).first()
    return kept[user.pk]


@rules.predicate
def has_not_declared(user, nomination) -> bool:
    return review_by(user, nomination) is None


@rules.predicate
def declared_no_conflict(user, nomination) -> bool:
    review = review_by(user, nomination)
    return review is not None and review.status == ReviewStatus.CLEARED


@rules.predicate
def is_nominator(user, nomination) -> bool:
    return nomination is not None and user.is_authenticated and nomination.nominated_by_id == user.pk


@rules.predicate
def is_standing(user, nomination) -> bool:
    """Nominated and not withdrawn."""
    return nomination is not None and nomination.status == NominationStatus.SUBMITTED


@rules.predicate
def is_author(user, kudos) -> bool:
    return kudos is not None and user.is_authenticated and kudos.author_id == user.pk


@rules.predicate
def is_given(user, obj) -> bool:
    return obj is not None


juror_of_its_programme = _of_programme(is_juror)
being_judged = _of_programme(is_judging)

rules.add_perm("recognition.add_programme", is_programme_manager)
rules.add_perm("recognition.change_programme", is_programme_manager & is_not_announced)
# Categories are set before anyone nominates in them.
rules.add_perm("recognition.change_categories", is_programme_manager & is_upcoming & has_no_nominations)
rules.add_perm("recognition.name_jury", is_programme_manager & is_not_announced)
rules.add_perm("recognition.nominate", is_authenticated & is_nominating)
rules.add_perm("recognition.read_jury_work", is_juror & (is_judging | is_nominating))
rules.add_perm("recognition.view_ranking", is_programme_manager & is_given)
rules.add_perm("recognition.announce", is_programme_manager & is_judging)
# A jury member who declared a conflict never reads the nomination; one who has not declared
# yet reads only who is nominated, in which category, to declare (recognition.declare_conflict).
rules.add_perm(
    "recognition.view_nomination",
    is_given & (is_nominator | is_programme_manager | (juror_of_its_programme & declared_no_conflict)),
)
rules.add_perm(
    "recognition.withdraw_nomination",
    is_nominator & NOMINATION_LIFECYCLE.allows("withdraw") & _of_programme(is_nominating),
)
rules.add_perm("recognition.declare_conflict", juror_of_its_programme & being_judged & is_standing & has_not_declared)
rules.add_perm(
    "recognition.score_nomination", juror_of_its_programme & being_judged & is_standing & declared_no_conflict
)
rules.add_perm("recognition.choose_winner", is_programme_manager & being_judged & is_standing)
rules.add_perm("recognition.give_kudos", is_authenticated)
rules.add_perm("recognition.withdraw_kudos", is_given & (is_author | is_moderator))
