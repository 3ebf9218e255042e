"""Kudos: a signed-in person thanks a team (an organisation) or a lab project they can see, from
its page, where the thanks then show; one thanks per person and target (thanking again rewrites
it); its author or a moderator withdraws it. What cannot be seen, or is not written as a target,
answers 404 — never a 500."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.recognition.models import Kudos
from ponte.recognition.services import kudos as services
from tests.factories import OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import audited

pytestmark = pytest.mark.django_db

ORGANISATION = "organisations.organisation"
PROJECT = "lab.project"


def give(actor, target, message="Thank you for the new forms."):
    return services.give(actor=actor, target_model=target[0], target_id=target[1], message=message)


# The service -------------------------------------------------------------------------------------


def test_a_person_thanks_a_team_once_and_thanking_again_rewrites_it(citizen, organisation):
    target = (ORGANISATION, organisation.pk)
    first = give(citizen, target)
    assert audited("give_kudos")[0].after == {"to": f"{ORGANISATION}:{organisation.pk}"}
    again = give(citizen, target, message="  Thanks again, and for the help line.  ")
    assert again.pk == first.pk and Kudos.objects.count() == 1
    assert Kudos.objects.get().message == "Thanks again, and for the help line."
    (rewrite,) = audited("rewrite_kudos")
    assert rewrite.before == {"message": "Thank you for the new forms."}
    assert rewrite.after == {"message": "Thanks again, and for the help line."}
    # The same words again change nothing.
    give(citizen, target, message="Thanks again, and for the help line.")
    assert len(audited("rewrite_kudos")) == 1


def test_a_lab_project_is_thanked_by_who_may_see_it_only(citizen, member, lab_project):
    target = (PROJECT, lab_project.pk)
    with pytest.raises(ValidationError) as error:
        give(citizen, target)
    assert error.value.messages == ["There is nothing here to thank: the project or team is not one you can see."]
    assert give(member, target).target_id == lab_project.pk
    assert Kudos.objects.count() == 1


@pytest.mark.parametrize(
    "target",
    [
        (ORGANISATION, 999999),
        (ORGANISATION, 0),
        (ORGANISATION, -4),
        (ORGANISATION, "1"),
        (ORGANISATION, True),
        (ORGANISATION, 2**40),
        ("challenges.challenge", 1),
        ("", 1),
    ],
)
def test_what_is_not_a_target_one_can_see_is_refused(citizen, organisation, target):
    with pytest.raises(ValidationError):
        give(citizen, target)
    assert not Kudos.objects.exists()


def test_a_team_not_verified_yet_is_thanked_only_by_its_own_people(citizen):
    pending = OrganisationFactory(status="pending")
    with pytest.raises(ValidationError):
        give(citizen, (ORGANISATION, pending.pk))
    from tests.factories import MembershipFactory

    own = MembershipFactory(organisation=pending).user
    assert give(own, (ORGANISATION, pending.pk)).author == own


@pytest.mark.parametrize(
    ("message", "refusal"),
    [
        ("", "Write what you thank them for."),
        ("   ", "Write what you thank them for."),
        ("x" * 281, "Write at most 280 characters."),
    ],
)
def test_thanks_need_words_and_few_of_them(citizen, organisation, message, refusal):
    with pytest.raises(ValidationError) as error:
        give(citizen, (ORGANISATION, organisation.pk), message=message)
    assert error.value.message_dict == {"message": [refusal]}


def test_a_visitor_thanks_no_one(person_in_role, organisation):
    with pytest.raises(PermissionDenied):
        give(person_in_role("visitor"), (ORGANISATION, organisation.pk))


def test_thanks_are_withdrawn_by_their_author_or_a_moderator_only(citizen, member, organisation, person_in_role):
    kudos = give(citizen, (ORGANISATION, organisation.pk))
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=member, kudos=kudos)
    services.withdraw(actor=person_in_role("moderator"), kudos=kudos)
    assert not Kudos.objects.exists()
    assert audited("withdraw_kudos")[0].before == {"message": "Thank you for the new forms."}
    mine = give(citizen, (ORGANISATION, organisation.pk))
    services.withdraw(actor=citizen, kudos=mine)
    assert not Kudos.objects.exists()


# The pages ---------------------------------------------------------------------------------------


def test_a_person_thanks_a_team_from_its_page_and_reads_the_thanks_there(login, citizen, organisation):
    client = login(citizen)
    page = Page(client.get(organisation.get_absolute_url()))
    assert "Nobody has thanked them yet." in page.text(page.part("Thanks"))
    thank = page.link("Thank them for a result")
    assert thank == f"/recognition/kudos/?to={ORGANISATION}%3A{organisation.pk}"
    assert "Thank Agency for Modernisation" in Page(client.get(thank)).text()
    response = client.post(thank, {"message": "Thank you for the new forms."}, follow=True)
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    page = Page(response)
    assert "Your thanks are on the page of Agency for Modernisation." in page.text()
    thanks = page.text(page.part("Thanks"))
    assert "1 person thanked them for a result." in thanks
    assert "Thank you for the new forms." in thanks and "Carla Citizen" in thanks
    assert page.links("Change your thanks") == [thank]
    # The form shows what was given, to be replaced.
    form = client.get(thank)
    assert "what you send replaces your thanks" in Page(form).text()
    assert form.context["form"]["message"].value() == "Thank you for the new forms."


def test_others_read_the_thanks_on_the_team_s_page(login, citizen, member, organisation):
    give(citizen, (ORGANISATION, organisation.pk))
    give(member, (ORGANISATION, organisation.pk), message="The help line answered in a day.")
    for viewer in (None, UserFactory()):
        page = Page(login(viewer).get(organisation.get_absolute_url()))
        thanks = page.text(page.part("Thanks"))
        assert "2 people thanked them for a result." in thanks
        assert "Thank you for the new forms." in thanks and "The help line answered in a day." in thanks
        assert "Withdraw your thanks" not in thanks


def test_thanks_show_on_the_lab_project_s_page(login, member, lab_project):
    give(member, (PROJECT, lab_project.pk), message="Our queue is gone.")
    page = Page(login(member).get(lab_project.get_absolute_url()))
    thanks = page.text(page.part("Thanks"))
    assert "1 person thanked them for a result." in thanks and "Our queue is gone." in thanks
    assert "Withdraw your thanks" in thanks


def test_a_bad_thanks_form_is_answered_beside_the_field(login, citizen, organisation):
    response = login(citizen).post("/recognition/kudos/", {"to": f"{ORGANISATION}:{organisation.pk}", "message": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["message"] == ["Write what you thank them for."]
    assert not Kudos.objects.exists()


@pytest.mark.parametrize(
    "to",
    [
        "",
        "lab.project",
        "lab.project:",
        "lab.project:abc",
        "lab.project:-1",
        "lab.project:0",
        "lab.project:99999999999999",
        "lab.project:²",
        "lab.project:١٢",
        "organisations.organisation:999999",
        "challenges.challenge:1",
        "::::",
        "lab.project:1\x00",
    ],
)
def test_a_malformed_or_unknown_target_is_404(login, citizen, to):
    client = login(citizen)
    assert client.get("/recognition/kudos/", {"to": to}).status_code == 404
    assert client.post("/recognition/kudos/", {"to": to, "message": "Thanks"}).status_code == 404
    assert not Kudos.objects.exists()


def test_a_lab_project_the_person_cannot_see_is_404(login, citizen, lab_project):
    client = login(citizen)
    to = f"{PROJECT}:{lab_project.pk}"
    assert client.get("/recognition/kudos/", {"to": to}).status_code == 404
    assert client.post("/recognition/kudos/", {"to": to, "message": "Thanks"}).status_code == 404
    assert not Kudos.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_thank(client, organisation):
    response = client.get("/recognition/kudos/", {"to": f"{ORGANISATION}:{organisation.pk}"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_thanks_are_withdrawn_from_the_page_by_their_author_not_by_another(login, citizen, member, organisation):
    kudos = give(citizen, (ORGANISATION, organisation.pk))
    withdraw = f"/recognition/kudos/{kudos.pk}/withdraw/"
    assert login(member).post(withdraw).status_code == 404
    assert login(citizen).get(withdraw).status_code == 405
    assert Kudos.objects.filter(pk=kudos.pk).exists()
    client = login(citizen)
    page = Page(client.get(organisation.get_absolute_url()))
    assert page.doc.xpath(f"//form[@action='{withdraw}']")
    response = client.post(withdraw, follow=True)
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert "The thanks are withdrawn." in Page(response).text()
    assert not Kudos.objects.exists()
    assert client.post(withdraw).status_code == 404
    assert login(member).post("/recognition/kudos/999999/withdraw/").status_code == 404


def test_a_moderator_removes_thanks_from_the_page(login, citizen, organisation, person_in_role):
    kudos = give(citizen, (ORGANISATION, organisation.pk))
    response = login(person_in_role("moderator")).post(f"/recognition/kudos/{kudos.pk}/withdraw/")
    assert response.status_code == 302 and not Kudos.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_the_kept_thanks_are_read_once_and_follow_each_change(login, citizen, member, organisation):
    # The latest thanks are kept for their reader until the next write, which a thanks given
    # or withdrawn is.
    kudos = give(member, (ORGANISATION, organisation.pk), message="The help line answered in a day.")
    client = login(citizen)
    page = Page(client.get(organisation.get_absolute_url()))
    assert "1 person thanked them for a result." in page.text(page.part("Thanks"))
    with CaptureQueriesContext(connection) as captured:
        page = Page(client.get(organisation.get_absolute_url()))
    assert not any("recognition_kudos" in query["sql"] for query in captured.captured_queries)
    assert "The help line answered in a day." in page.text(page.part("Thanks"))

    services.withdraw(actor=member, kudos=kudos)
    page = Page(client.get(organisation.get_absolute_url()))
    assert "Nobody has thanked them yet." in page.text(page.part("Thanks"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pages_kept")
def test_ones_own_thanks_beyond_the_latest_are_still_ones_own(login, citizen, organisation):
    give(citizen, (ORGANISATION, organisation.pk), message="Ours, the first of many.")
    for _ in range(12):
        give(UserFactory(), (ORGANISATION, organisation.pk), message="Thank you.")
    Page(login(UserFactory()).get(organisation.get_absolute_url()))  # kept by another reader

    page = Page(login(citizen).get(organisation.get_absolute_url()))

    thanks = page.text(page.part("Thanks"))
    assert "13 people thanked them for a result." in thanks and "Ours, the first of many." not in thanks
    assert page.links("Change your thanks") == [f"/recognition/kudos/?to={ORGANISATION}%3A{organisation.pk}"]


def test_a_pages_thanks_are_read_in_as_many_queries_for_three_as_for_fifteen(login, citizen, organisation):
    def queries_reading_thanks() -> int:
        for viewer in (None, citizen):
            with CaptureQueriesContext(connection) as captured:
                assert login(viewer).get(organisation.get_absolute_url()).status_code == 200
            yield sum("recognition_kudos" in query["sql"] for query in captured.captured_queries)

    for _ in range(3):
        give(UserFactory(), (ORGANISATION, organisation.pk), message="Thank you.")
    few = list(queries_reading_thanks())
    for _ in range(12):
        give(UserFactory(), (ORGANISATION, organisation.pk), message="Thank you.")
    many = list(queries_reading_thanks())

    # The latest, their count and (for a person signed in) which are theirs: one query.
    assert few == many == [1, 1]
