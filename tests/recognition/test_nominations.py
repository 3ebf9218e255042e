"""Nominations through their service: anyone signed in nominates while nominations are open —
before or after, the refusal says when they open or closed; the lesson category takes only a
lab project or an exemption; a project is one the person may see; the same nominee is not
nominated twice by one person in a category; a nomination is withdrawn only while nominations
are open. Each is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from ponte.recognition.models import Nomination
from ponte.recognition.services import nominations as services

from .conftest import STATEMENT, audited, fresh, message_of, put_in

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_a_signed_in_person_nominates_while_nominations_are_open(make_programme, nominate, citizen):
    programme = make_programme("nominating")
    nomination = nominate(citizen, programme.categories.get(), nominee="  Joana Ferreira ")
    assert (nomination.kind, nomination.nominee, nomination.organisation) == ("person", "Joana Ferreira", "AMA")
    assert nomination.statement == STATEMENT and nomination.nominated_by == citizen
    assert nomination.status == "submitted" and nomination.linked_id is None
    (event,) = audited("nominate")
    assert event.target_id == str(nomination.pk)
    assert event.after == {"category": nomination.category_id, "kind": "person"}
    # The audit names no nominee and holds no statement.
    assert "Joana" not in f"{event.before} {event.after} {event.target_label}"


def test_before_nominations_open_the_refusal_says_when_they_open(make_programme, nominate, citizen):
    programme = make_programme("upcoming")
    with pytest.raises(ValidationError) as error:
        nominate(citizen, programme.categories.get())
    assert message_of(error) == f"Nominations for this programme open on {local(programme.nominations_open_at)}."
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("phase", ["judging", "announced"])
def test_after_nominations_close_the_refusal_says_when_they_closed(make_programme, nominate, citizen, phase):
    programme = make_programme(phase)
    with pytest.raises(ValidationError) as error:
        nominate(citizen, programme.categories.get())
    assert message_of(error) == f"Nominations for this programme closed on {local(programme.nominations_close_at)}."
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "cousin"}, "kind", "Choose who or what you nominate."),
        ({"kind": None}, "kind", "Choose who or what you nominate."),
        ({"nominee": "  "}, "nominee", "Give the name of the person or team you nominate."),
        ({"nominee": "x" * 201}, "nominee", "Write at most 200 characters."),
        ({"statement": ""}, "statement", "Say why they deserve the award: what they did, and what it changed."),
        ({"statement": "x" * 3001}, "statement", "Write at most 3,000 characters."),
        ({"statement": "Nul\x00byte"}, "statement", "The text contains characters that are not allowed."),
    ],
)
def test_a_bad_nomination_is_refused_beside_its_field(make_programme, nominate, citizen, changes, field, message):
    with pytest.raises(ValidationError) as error:
        nominate(citizen, make_programme("nominating").categories.get(), **changes)
    assert error.value.message_dict[field] == [message]
    assert not Nomination.objects.exists() and not audited("nominate")


@pytest.mark.parametrize("kind", ["person", "team"])
def test_the_lesson_category_takes_no_person_or_team(make_programme, nominate, citizen, kind):
    programme = make_programme("nominating", categories=(), lessons="The most useful lesson")
    with pytest.raises(ValidationError) as error:
        nominate(citizen, programme.categories.get(), kind=kind)
    assert error.value.message_dict["kind"] == [
        "A lesson from an experiment is nominated as a lab project or an exemption."
    ]
    assert not Nomination.objects.exists()


def test_a_lab_project_the_person_sees_is_nominated_under_its_own_title(make_programme, nominate, member, lab_project):
    programme = make_programme("nominating", categories=(), lessons="The most useful lesson")
    nomination = nominate(
        member,
        programme.categories.get(),
        kind="project",
        nominee="ignored",
        organisation="ignored",
        linked_id=lab_project.pk,
    )
    assert (nomination.kind, nomination.linked_id) == ("project", lab_project.pk)
    assert (nomination.nominee, nomination.organisation) == ("Enrolment slots booked online", "")


def test_a_lab_project_the_person_cannot_see_is_refused(make_programme, nominate, citizen, lab_project):
    category = make_programme("nominating", categories=(), lessons="The most useful lesson").categories.get()
    for linked_id in (lab_project.pk, lab_project.pk + 1000, None, str(lab_project.pk), True):
        with pytest.raises(ValidationError) as error:
            nominate(citizen, category, kind="project", linked_id=linked_id)
        assert error.value.message_dict["project"] == ["Choose a lab project you can see, from the suggestions."]
    assert not Nomination.objects.exists()


def test_an_exemption_must_be_one_of_the_sandbox(make_programme, nominate, citizen):
    category = make_programme("nominating").categories.get()
    with pytest.raises(ValidationError) as error:
        nominate(citizen, category, kind="exemption", linked_id=987654)
    assert error.value.message_dict["exemption"] == ["Choose an exemption from the suggestions."]


def test_the_same_person_is_not_nominated_twice_by_one_nominator_in_a_category(
    make_programme, nominate, citizen, member
):
    programme = make_programme("nominating", categories=("Service", "Team"))
    service, team = programme.categories.all()
    nominate(citizen, service)
    with pytest.raises(ValidationError) as error:
        nominate(citizen, service, nominee="joana ferreira", statement="Said again.")
    assert error.value.message_dict == {"nominee": ["You have already nominated them in this category."]}
    # Someone else may, and so may the same person in another category.
    nominate(member, service)
    nominate(citizen, team)
    assert Nomination.objects.count() == 3


def test_the_same_project_is_not_nominated_twice_by_one_nominator(make_programme, nominate, member, lab_project):
    category = make_programme("nominating").categories.get()
    nominate(member, category, kind="project", linked_id=lab_project.pk)
    with pytest.raises(ValidationError) as error:
        nominate(member, category, kind="project", linked_id=lab_project.pk, statement="Again.")
    assert error.value.message_dict == {"project": ["You have already nominated them in this category."]}


def test_a_withdrawn_nomination_may_be_made_again(make_programme, nominate, citizen):
    category = make_programme("nominating").categories.get()
    first = nominate(citizen, category)
    services.withdraw(actor=citizen, nomination=first)
    assert nominate(citizen, category).pk != first.pk


def test_a_nomination_is_withdrawn_by_its_nominator_while_nominations_are_open(
    make_programme, nominate, citizen, member
):
    programme = make_programme("nominating")
    nomination = nominate(citizen, programme.categories.get())
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=member, nomination=nomination)
    withdrawn = services.withdraw(actor=citizen, nomination=nomination)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at is not None
    (event,) = audited("withdraw")
    assert event.before == {"status": "submitted"} and event.after == {"status": "withdrawn"}
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=citizen, nomination=fresh(nomination))


def test_a_nomination_is_not_withdrawn_once_nominations_closed(make_programme, nominate, citizen):
    programme = make_programme("nominating")
    nomination = nominate(citizen, programme.categories.get())
    put_in(programme, "judging")
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=citizen, nomination=fresh(nomination))
    assert fresh(nomination).status == "submitted" and not audited("withdraw")


def test_a_project_or_exemption_is_offered_only_where_its_module_is_installed():
    assert [kind for kind, _label in services.kinds_offered()] == ["person", "team", "project", "exemption"]
