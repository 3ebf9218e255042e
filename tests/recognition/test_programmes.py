"""Award programmes through their services: a programme manager sets one up (bad input refused
field by field), changes it (refused when someone saved it meanwhile), adds categories before
nominations open, names the jury once per person, chooses one winner per category with a
citation and announces only with a winner chosen, telling every nominator and jury member.
Every step leaves its audit record."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ponte.core import versions
from ponte.core.models import AuditEvent, Notification
from ponte.recognition.models import AwardProgramme, Category
from ponte.recognition.services import programmes as services
from tests.factories import UserFactory

from .conftest import audited, fresh, message_of, put_in, received, winners_of

pytestmark = pytest.mark.django_db


def answers(**changes) -> dict:
    now = timezone.now()
    return {
        "title": "Public Innovation Awards 2026",
        "description": "People, teams and projects that changed a public service.",
        "year": 2026,
        "nominations_open_at": now + timedelta(days=7),
        "nominations_close_at": now + timedelta(days=37),
        **changes,
    }


def refused_fields(error) -> dict[str, list[str]]:
    return error.value.message_dict


# Setting up and changing a programme ---------------------------------------------------------


def test_a_programme_manager_sets_up_a_programme_that_waits_for_nominations(programme_manager):
    programme = services.programme_add(actor=programme_manager, **answers())
    assert programme.phase == "upcoming" and programme.version == 1 and programme.created_by == programme_manager
    (event,) = audited("add")
    assert event.actor == programme_manager and event.target_id == str(programme.pk)
    assert event.after["title"] == "Public Innovation Awards 2026" and event.after["year"] == 2026


@pytest.mark.parametrize("role", ["citizen", "evaluator", "moderator", "platform_admin"])
def test_only_a_programme_manager_sets_up_a_programme(person_in_role, role):
    with pytest.raises(PermissionDenied):
        services.programme_add(actor=person_in_role(role), **answers())
    assert not AwardProgramme.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the programme a title."),
        ({"title": "   "}, "title", "Give the programme a title."),
        ({"title": "x" * 201}, "title", "Write at most 200 characters."),
        ({"description": ""}, "description", "Say what the programme recognises and who may be nominated."),
        ({"year": 1999}, "year", "Give the year the awards are for, from 2000 to 2100."),
        ({"year": 2101}, "year", "Give the year the awards are for, from 2000 to 2100."),
        ({"year": "2026"}, "year", "Give the year the awards are for, from 2000 to 2100."),
        ({"year": True}, "year", "Give the year the awards are for, from 2000 to 2100."),
        ({"year": None}, "year", "Give the year the awards are for, from 2000 to 2100."),
        ({"nominations_open_at": None}, "nominations_open_at", "Give the date and time nominations open."),
        (
            {"nominations_close_at": datetime(2030, 1, 1)},  # naive: which clock?
            "nominations_close_at",
            "Give the date and time nominations close.",
        ),
    ],
)
def test_bad_answers_are_refused_beside_their_field(programme_manager, changes, field, message):
    with pytest.raises(ValidationError) as error:
        services.programme_add(actor=programme_manager, **answers(**changes))
    assert refused_fields(error) == {field: [message]}
    assert not AwardProgramme.objects.exists() and not AuditEvent.objects.exists()


def test_nominations_must_close_after_they_open(programme_manager):
    now = timezone.now()
    for closes in (now + timedelta(days=6), now + timedelta(days=7)):
        with pytest.raises(ValidationError) as error:
            services.programme_add(
                actor=programme_manager,
                **answers(nominations_open_at=now + timedelta(days=7), nominations_close_at=closes),
            )
        assert refused_fields(error) == {"nominations_close_at": ["Nominations must close after they open."]}
    assert not AwardProgramme.objects.exists()


def test_a_programme_whose_nominations_closed_already_is_refused(programme_manager):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.programme_add(
            actor=programme_manager,
            **answers(nominations_open_at=now - timedelta(days=30), nominations_close_at=now - timedelta(minutes=1)),
        )
    assert refused_fields(error) == {"nominations_close_at": ["Nominations must close in the future."]}
    assert not AwardProgramme.objects.exists()


def test_every_wrong_field_is_named_at_once(programme_manager):
    with pytest.raises(ValidationError) as error:
        services.programme_add(actor=programme_manager, **answers(title="", year=1900, nominations_open_at="soon"))
    assert set(refused_fields(error)) == {"title", "year", "nominations_open_at"}


def test_an_unknown_field_is_a_programming_error(programme_manager):
    with pytest.raises(ValueError, match="announced_at"):
        services.programme_add(actor=programme_manager, **answers(announced_at=timezone.now()))


def _update(actor, programme, seen, **changes):
    fields = {name: getattr(programme, name) for name in services.FIELDS}
    return services.programme_update(actor=actor, programme=programme, seen_version=seen, **{**fields, **changes})


def test_a_programme_change_is_saved_audited_and_moves_the_version(programme_manager, make_programme):
    programme = make_programme("upcoming")
    assert _update(programme_manager, programme, 1, title="Awards 2026, renamed") == ["title"]
    programme = fresh(programme)
    assert programme.title == "Awards 2026, renamed" and programme.version == 2
    (event,) = audited("update")
    assert event.before == {"title": "Public Innovation Awards", "version": 1}
    assert event.after == {"title": "Awards 2026, renamed", "version": 2}
    # Saving what is already there changes nothing and records nothing.
    assert _update(programme_manager, programme, 2) == []
    assert fresh(programme).version == 2 and len(audited("update")) == 1


def test_a_change_to_a_programme_saved_meanwhile_is_refused(programme_manager, make_programme):
    programme = make_programme("nominating")
    _update(programme_manager, programme, 1, title="Saved first")
    with pytest.raises(versions.StaleEdit) as stale:
        _update(programme_manager, fresh(programme), 1, description="Saved second, from an old page.")
    assert stale.value.current_version == 2
    assert [change.field for change in stale.value.changes] == ["title"]
    programme = fresh(programme)
    assert programme.title == "Saved first"
    assert programme.description == "People, teams and projects that changed a public service."


def test_a_programme_is_not_changed_once_announced(programme_manager, make_programme):
    programme = make_programme("announced")
    with pytest.raises(PermissionDenied):
        _update(programme_manager, programme, 1, title="Rewritten history")
    assert fresh(programme).title == "Public Innovation Awards"


def test_a_programme_change_is_checked_as_a_new_one(programme_manager, make_programme):
    programme = make_programme("upcoming")
    with pytest.raises(ValidationError) as error:
        _update(programme_manager, programme, 1, nominations_close_at=programme.nominations_open_at)
    assert refused_fields(error) == {"nominations_close_at": ["Nominations must close after they open."]}


# Categories --------------------------------------------------------------------------------------


def _category(actor, programme, title="Team of the year", for_lessons=False):
    return services.category_add(
        actor=actor,
        programme=programme,
        title=title,
        description="A team that worked across organisations.",
        for_lessons=for_lessons,
    )


def test_categories_are_added_in_order_before_nominations_open(programme_manager, make_programme):
    programme = make_programme("upcoming")
    added = _category(programme_manager, programme, for_lessons=True)
    assert added.for_lessons and added.position == 1
    assert list(programme.categories.values_list("title", flat=True)) == [
        "A service that changed lives",
        "Team of the year",
    ]
    (event,) = audited("add_category")
    assert event.target_id == str(programme.pk) and event.after["for_lessons"] is True


@pytest.mark.parametrize("phase", ["nominating", "judging", "announced"])
def test_no_category_is_added_or_removed_once_nominations_opened(programme_manager, make_programme, phase):
    programme = make_programme(phase)
    with pytest.raises(PermissionDenied):
        _category(programme_manager, programme)
    with pytest.raises(PermissionDenied):
        services.category_remove(actor=programme_manager, category=programme.categories.get())
    assert programme.categories.count() == 1


def test_a_second_category_of_the_same_title_is_refused(programme_manager, make_programme):
    programme = make_programme("upcoming")
    with pytest.raises(ValidationError) as error:
        _category(programme_manager, programme, title="  a SERVICE that changed lives ")
    assert refused_fields(error) == {"title": ["The programme already has a category with this title."]}
    assert programme.categories.count() == 1
    # Another programme may have a category of that title.
    other = make_programme("upcoming", categories=())
    assert _category(programme_manager, other, title="A service that changed lives").programme == other


def test_a_category_needs_a_title_and_a_description(programme_manager, make_programme):
    programme = make_programme("upcoming")
    with pytest.raises(ValidationError) as error:
        services.category_add(actor=programme_manager, programme=programme, title="", description=" ", for_lessons=0)
    assert refused_fields(error) == {
        "title": ["Give the category a title."],
        "description": ["Say what the category recognises."],
    }


def test_a_category_removed_before_nominations_open_is_gone_and_audited(programme_manager, make_programme):
    programme = make_programme("upcoming")
    services.category_remove(actor=programme_manager, category=programme.categories.get())
    assert not Category.objects.exists()
    assert audited("remove_category")[0].before == {"title": "A service that changed lives"}


def test_a_citizen_adds_no_category(citizen, make_programme):
    with pytest.raises(PermissionDenied):
        _category(citizen, make_programme("upcoming"))


# The jury ----------------------------------------------------------------------------------------


def test_a_person_named_to_the_jury_is_told_and_cannot_be_named_twice(programme_manager, make_programme, juror):
    programme = make_programme("upcoming")
    services.jury_add(actor=programme_manager, programme=programme, person=juror)
    assert list(programme.jury.all()) == [juror]
    assert received("recognition.jury_named") == {juror.pk}
    assert audited("add_juror")[0].after == {"juror": juror.pk}
    with pytest.raises(ValidationError) as error:
        services.jury_add(actor=programme_manager, programme=programme, person=juror)
    assert refused_fields(error) == {"person": ["Jules Juror is already on the jury."]}
    assert programme.jury.count() == 1 and len(audited("add_juror")) == 1


def test_no_one_is_named_once_the_winners_are_announced(programme_manager, make_programme, juror):
    programme = make_programme("announced")
    with pytest.raises(PermissionDenied):
        services.jury_add(actor=programme_manager, programme=programme, person=juror)
    assert not programme.jury.exists() and not received("recognition.jury_named")


def test_a_deactivated_account_is_not_named(programme_manager, make_programme):
    with pytest.raises(ValidationError) as error:
        services.jury_add(
            actor=programme_manager, programme=make_programme("upcoming"), person=UserFactory(is_active=False)
        )
    assert refused_fields(error) == {"person": ["Choose a person from the suggestions."]}


def test_a_jury_member_taken_off_is_audited(programme_manager, make_programme, juror):
    programme = make_programme("judging", jury=[juror])
    services.jury_remove(actor=programme_manager, programme=programme, person=juror)
    assert not programme.jury.exists()
    assert audited("remove_juror")[0].before == {"juror": juror.pk}


# Winners and the announcement -------------------------------------------------------------------


def test_choosing_a_winner_replaces_the_category_s_previous_choice(
    programme_manager, make_programme, nominate, citizen, member
):
    programme = make_programme("nominating")
    category = programme.categories.get()
    first = nominate(citizen, category)
    second = nominate(member, category, nominee="Rui Almeida")
    put_in(programme, "judging")
    services.winner_choose(actor=programme_manager, nomination=fresh(first), citation="For forms people understand.")
    assert winners_of(programme) == {"A service that changed lives": "Joana Ferreira"}
    services.winner_choose(actor=programme_manager, nomination=fresh(second), citation="For answering within a day.")
    assert winners_of(programme) == {"A service that changed lives": "Rui Almeida"}
    first, second = fresh(first), fresh(second)
    assert first.won_at is None and first.citation == ""
    assert second.won_at is not None and second.citation == "For answering within a day."
    assert [event.target_id for event in audited("choose_winner")] == [str(first.pk), str(second.pk)]
    (unchosen,) = audited("unchoose_winner")
    assert unchosen.target_id == str(first.pk) and unchosen.before["citation"] == "For forms people understand."


def test_a_winner_needs_a_citation(programme_manager, judged):
    for citation in ("", "   ", None):
        with pytest.raises(ValidationError) as error:
            services.winner_choose(actor=programme_manager, nomination=judged, citation=citation)
        assert refused_fields(error) == {"citation": ["Write the citation the hall of fame shows."]}
    assert fresh(judged).won_at is None and not audited("choose_winner")


def test_a_winner_is_chosen_only_while_the_jury_scores_and_only_by_a_programme_manager(
    programme_manager, judged, juror
):
    with pytest.raises(PermissionDenied):
        services.winner_choose(actor=juror, nomination=judged, citation="Self-appointed.")
    put_in(judged.category.programme, "nominating")
    with pytest.raises(PermissionDenied):
        services.winner_choose(actor=programme_manager, nomination=fresh(judged), citation="Too early.")
    assert fresh(judged).won_at is None


def test_announcing_without_a_winner_is_refused(programme_manager, judged):
    programme = judged.category.programme
    with pytest.raises(ValidationError) as error:
        services.announce(actor=programme_manager, programme=programme)
    assert message_of(error) == "Choose at least one winner before announcing."
    assert fresh(programme).announced_at is None and not audited("announce")
    assert not received("recognition.winners_announced")


def test_announcing_puts_the_programme_in_the_hall_of_fame_and_tells_nominators_and_jury(
    programme_manager, make_programme, nominate, citizen, member, juror, second_juror
):
    programme = make_programme("nominating", categories=("Service", "Team"), jury=[juror, second_juror])
    service, team = programme.categories.all()
    winner = nominate(citizen, service)
    nominate(member, team, kind="team", nominee="The appointment team")
    programme = put_in(programme, "judging")
    services.winner_choose(actor=programme_manager, nomination=fresh(winner), citation="For forms people understand.")
    announced = services.announce(actor=programme_manager, programme=programme)
    assert announced.phase == "announced" and announced.announced_by == programme_manager
    assert received("recognition.winners_announced") == {citizen.pk, member.pk, juror.pk, second_juror.pk}
    assert audited("announce")[0].after == {"winners": 1}
    # Announced once: the jury's work and the winners are final.
    with pytest.raises(PermissionDenied):
        services.announce(actor=programme_manager, programme=fresh(programme))
    with pytest.raises(PermissionDenied):
        services.winner_choose(actor=programme_manager, nomination=fresh(winner), citation="Changed afterwards.")


def test_a_jury_member_who_also_nominated_hears_of_the_announcement_once(programme_manager, judged, juror, nominate):
    programme = judged.category.programme
    put_in(programme, "nominating")
    nominate(juror, programme.categories.get(), nominee="Someone else")
    programme = put_in(programme, "judging")
    services.winner_choose(actor=programme_manager, nomination=fresh(judged), citation="For forms people understand.")
    services.announce(actor=programme_manager, programme=programme)
    assert Notification.objects.filter(kind="recognition.winners_announced", recipient=juror).count() == 1


def test_announcing_is_for_a_programme_manager_once_nominations_closed(programme_manager, judged, juror):
    programme = judged.category.programme
    services.winner_choose(actor=programme_manager, nomination=judged, citation="For forms people understand.")
    with pytest.raises(PermissionDenied):
        services.announce(actor=juror, programme=programme)
    with pytest.raises(PermissionDenied):
        services.announce(actor=programme_manager, programme=put_in(programme, "nominating"))
    assert fresh(programme).announced_at is None


def test_no_category_is_changed_once_someone_nominated_even_if_the_opening_moved_later(
    programme_manager, make_programme, nominate, citizen
):
    programme = make_programme("nominating")
    nominate(citizen, programme.categories.get())
    # The opening moved a fortnight later (as the service no longer allows, so written directly):
    # the programme is upcoming again, with a nomination.
    later = programme.nominations_open_at + timedelta(days=15)
    AwardProgramme.objects.filter(pk=programme.pk).update(nominations_open_at=later)
    programme = fresh(programme)
    assert programme.phase == "upcoming"
    with pytest.raises(PermissionDenied):
        services.category_remove(actor=programme_manager, category=programme.categories.get())
    with pytest.raises(PermissionDenied):
        _category(programme_manager, programme)
    assert programme.categories.count() == 1


def test_nominations_cannot_open_later_once_people_have_nominated(make_programme, nominate, citizen, programme_manager):
    programme = make_programme("nominating")
    nominate(citizen, programme.categories.get())
    programme.refresh_from_db()
    values = {
        name: getattr(programme, name)
        for name in ("title", "description", "year", "nominations_open_at", "nominations_close_at")
    }
    later = {
        **values,
        "nominations_open_at": values["nominations_open_at"] + timedelta(days=30),
        "nominations_close_at": values["nominations_close_at"] + timedelta(days=40),
    }
    with pytest.raises(ValidationError) as refused:
        services.programme_update(actor=programme_manager, programme=programme, seen_version=programme.version, **later)
    assert refused.value.message_dict["nominations_open_at"] == [
        "People have nominated already: nominations cannot open later."
    ]
    programme.refresh_from_db()
    assert programme.nominations_open_at == values["nominations_open_at"]
    # Closing later is still allowed.
    changed = services.programme_update(
        actor=programme_manager,
        programme=programme,
        seen_version=programme.version,
        **{**values, "nominations_close_at": values["nominations_close_at"] + timedelta(days=7)},
    )
    assert changed == ["nominations_close_at"]
