"""The jury's work through its services: each jury member declares, once, whether they have a
conflict of interest with a nomination, while the jury scores; a conflict recuses them, and
their refusal to score says why; a cleared member scores from 1 to 10 with a comment. The
ranking counts the current jury's scores only. Declarations and scores are audited, without
the score."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.recognition.models import JuryReview
from ponte.recognition.queries import programmes as queries
from ponte.recognition.services import jury as services
from ponte.recognition.services import programmes as programme_services
from tests.factories import UserFactory

from .conftest import audited, fresh, message_of, put_in

pytestmark = pytest.mark.django_db

CONFLICT = "You declared a conflict of interest with this nomination: you may not score it."


def declare(juror, nomination, conflict=False, note=""):
    return services.declare(actor=juror, nomination=fresh(nomination), has_conflict=conflict, note=note)


def score(juror, nomination, value, comment="Clear evidence of change."):
    return services.score(actor=juror, nomination=fresh(nomination), score=value, comment=comment)


# Declaring ---------------------------------------------------------------------------------------


def test_a_jury_member_declares_no_conflict_then_scores(judged, juror):
    review = declare(juror, judged)
    assert (review.status, review.conflict_note, review.score) == ("cleared", "", None)
    assert audited("declare_no_conflict")[0].target_id == str(review.pk)
    scored = score(juror, judged, 8, comment="  Nine in ten reached.  ")
    assert (scored.score, scored.comment) == (8, "Nine in ten reached.")
    assert scored.scored_at is not None
    # Changed while the jury scores.
    assert score(juror, judged, 6).score == 6
    assert JuryReview.objects.get().score == 6


def test_a_conflict_is_declared_with_what_ties_them(judged, juror):
    with pytest.raises(ValidationError) as error:
        declare(juror, judged, conflict=True, note="  ")
    assert error.value.message_dict == {"note": ["Describe the conflict of interest."]}
    review = declare(juror, judged, conflict=True, note="She works in my unit.")
    assert (review.status, review.conflict_note) == ("recused", "She works in my unit.")
    assert audited("declare_conflict")[0].target_id == str(review.pk)


def test_a_note_without_a_conflict_is_not_kept(judged, juror):
    assert declare(juror, judged, note="Nothing to say.").conflict_note == ""


@pytest.mark.parametrize("first", [False, True])
def test_a_declaration_is_made_once(judged, juror, first):
    declare(juror, judged, conflict=first, note="She works in my unit.")
    for again in (False, True):
        with pytest.raises(ValidationError) as error:
            declare(juror, judged, conflict=again, note="Changed my mind.")
        assert message_of(error) == "You have already declared whether you have a conflict of interest with it."
    assert JuryReview.objects.get().status == ("recused" if first else "cleared")


def test_a_declaration_must_say_yes_or_no(judged, juror):
    for answer in (None, "yes", "no"):
        with pytest.raises(ValidationError) as error:
            declare(juror, judged, conflict=answer)
        assert error.value.message_dict == {"conflict": ["Say whether you have a conflict of interest."]}
    assert not JuryReview.objects.exists()


def test_only_the_jury_declares_and_only_while_it_scores(judged, juror, citizen, programme_manager):
    for outsider in (citizen, programme_manager, UserFactory()):
        with pytest.raises(PermissionDenied):
            declare(outsider, judged)
    put_in(judged.category.programme, "nominating")
    with pytest.raises(PermissionDenied):
        declare(juror, judged)
    assert not JuryReview.objects.exists()


def test_a_withdrawn_nomination_is_not_judged(make_programme, nominate, citizen, juror):
    programme = make_programme("nominating", jury=[juror])
    nomination = nominate(citizen, programme.categories.get())
    from ponte.recognition.services import nominations as nomination_services

    nomination_services.withdraw(actor=citizen, nomination=nomination)
    put_in(programme, "judging")
    with pytest.raises(PermissionDenied):
        declare(juror, nomination)


# Scoring -----------------------------------------------------------------------------------------


def test_scoring_before_declaring_says_to_declare_first(judged, juror):
    with pytest.raises(ValidationError) as error:
        score(juror, judged, 7)
    assert message_of(error) == "First declare whether you have a conflict of interest with this nomination."
    assert not JuryReview.objects.exists()


def test_scoring_after_declaring_a_conflict_is_refused_with_the_conflict(judged, juror):
    declare(juror, judged, conflict=True, note="She works in my unit.")
    with pytest.raises(ValidationError) as error:
        score(juror, judged, 7)
    assert message_of(error) == CONFLICT
    review = JuryReview.objects.get()
    assert review.score is None and review.comment == ""
    assert not audited("score")


@pytest.mark.parametrize("value", [0, 11, -3, "7", True, 7.0, None])
def test_a_score_out_of_range_or_not_a_whole_number_is_refused(judged, juror, value):
    declare(juror, judged)
    with pytest.raises(ValidationError) as error:
        score(juror, judged, value)
    assert error.value.message_dict == {"score": ["Give a whole score from 1 to 10."]}
    assert JuryReview.objects.get().score is None and not audited("score")


@pytest.mark.parametrize("value", [1, 10])
def test_the_ends_of_the_scale_are_scores(judged, juror, value):
    declare(juror, judged)
    assert score(juror, judged, value).score == value


def test_a_score_needs_a_comment(judged, juror):
    declare(juror, judged)
    with pytest.raises(ValidationError) as error:
        score(juror, judged, 0, comment=" ")
    assert error.value.message_dict == {
        "score": ["Give a whole score from 1 to 10."],
        "comment": ["Say in a few words why you give this score."],
    }


def test_no_one_else_scores_and_no_one_scores_once_announced(judged, juror, citizen, programme_manager):
    declare(juror, judged)
    for outsider in (citizen, programme_manager):
        with pytest.raises(PermissionDenied):
            score(outsider, judged, 5)
    score(juror, judged, 8)
    programme_services.winner_choose(actor=programme_manager, nomination=fresh(judged), citation="For the forms.")
    programme_services.announce(actor=programme_manager, programme=judged.category.programme)
    with pytest.raises(PermissionDenied):
        score(juror, judged, 3)
    assert JuryReview.objects.get().score == 8


def test_a_jury_member_taken_off_the_jury_no_longer_scores(judged, juror, programme_manager):
    declare(juror, judged)
    programme_services.jury_remove(actor=programme_manager, programme=judged.category.programme, person=juror)
    with pytest.raises(PermissionDenied):
        score(juror, judged, 9)


def test_a_score_is_audited_without_its_value(judged, juror):
    declare(juror, judged)
    score(juror, judged, 7, comment="Seven out of ten.")
    score(juror, judged, 9, comment="Read again.")
    events = audited("score") + audited("rescore")
    assert [event.verb for event in events] == ["score", "rescore"]
    review = JuryReview.objects.get()
    for event in events:
        assert event.target_id == str(review.pk)
        written = json.dumps([event.before, event.after, event.reason])
        assert "7" not in written and "9" not in written and "Seven" not in written


# The ranking the programme managers choose from -----------------------------------------------


def _ranked(programme):
    ((_category, rows),) = queries.ranking(fresh(programme))
    return {row.nomination.nominee: (row.mean, row.scores, row.recused) for row in rows}


def test_a_recused_jury_member_counts_as_recused_never_as_a_score(
    make_programme, nominate, citizen, member, juror, second_juror
):
    programme = make_programme("nominating", jury=[juror, second_juror])
    category = programme.categories.get()
    joana = nominate(citizen, category)
    rui = nominate(member, category, nominee="Rui Almeida")
    put_in(programme, "judging")
    declare(juror, joana)
    score(juror, joana, 4)
    declare(second_juror, joana, conflict=True, note="We work together.")
    declare(juror, rui)
    score(juror, rui, 6)
    declare(second_juror, rui)
    score(second_juror, rui, 8)
    assert _ranked(programme) == {"Rui Almeida": (7.0, 2, 0), "Joana Ferreira": (4.0, 1, 1)}
    # The rows are in order of the mean score, best first.
    ((_category, rows),) = queries.ranking(fresh(programme))
    assert [row.nomination.nominee for row in rows] == ["Rui Almeida", "Joana Ferreira"]


def test_a_recused_review_can_hold_no_score_even_written_directly(judged, second_juror):
    from django.db import IntegrityError, transaction

    review = declare(second_juror, judged, conflict=True, note="We work together.")
    with pytest.raises(IntegrityError), transaction.atomic():
        JuryReview.objects.filter(pk=review.pk).update(score=10)


def test_the_scores_of_a_jury_member_taken_off_the_jury_no_longer_count(judged, juror, second_juror, programme_manager):
    declare(juror, judged)
    score(juror, judged, 2)
    declare(second_juror, judged)
    score(second_juror, judged, 10)
    assert _ranked(judged.category.programme) == {"Joana Ferreira": (6.0, 2, 0)}
    programme_services.jury_remove(actor=programme_manager, programme=judged.category.programme, person=juror)
    assert _ranked(judged.category.programme) == {"Joana Ferreira": (10.0, 1, 0)}


def test_unscored_nominations_come_last_and_withdrawn_ones_not_at_all(make_programme, nominate, citizen, member, juror):
    from ponte.recognition.services import nominations as nomination_services

    programme = make_programme("nominating", jury=[juror])
    category = programme.categories.get()
    unscored = nominate(citizen, category, nominee="Unscored")
    withdrawn = nominate(citizen, category, nominee="Withdrawn")
    scored = nominate(member, category, nominee="Scored")
    nomination_services.withdraw(actor=citizen, nomination=withdrawn)
    put_in(programme, "judging")
    declare(juror, scored)
    score(juror, scored, 1)
    ((_category, rows),) = queries.ranking(fresh(programme))
    assert [(row.nomination.pk, row.mean) for row in rows] == [(scored.pk, 1.0), (unscored.pk, None)]


def test_the_jury_s_list_holds_each_member_s_own_review_only(judged, juror, second_juror):
    declare(second_juror, judged, conflict=True, note="We work together.")
    programme = judged.category.programme
    assert queries.jury_work(programme, juror) == [(judged, None)]
    ((nomination, review),) = queries.jury_work(programme, second_juror)
    assert nomination == judged and review.status == "recused"
    # What waits for each: the undeclared one for the first; nothing for the recused one.
    assert list(queries.nominations_to_judge(juror)) == [judged]
    assert list(queries.nominations_to_judge(second_juror)) == []


def test_a_jury_member_who_made_the_nomination_may_not_declare_no_conflict(make_programme, nominate, juror):
    programme = make_programme("nominating", jury=[juror])
    nomination = nominate(juror, programme.categories.get())
    put_in(programme, "judging")
    with pytest.raises(ValidationError) as refused:
        declare(juror, nomination)
    assert "You made this nomination: that is a conflict of interest." in message_of(refused)
    assert not JuryReview.objects.exists()
    review = declare(juror, nomination, conflict=True, note="I nominated them.")
    assert review.status == "recused"
