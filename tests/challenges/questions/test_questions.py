"""Clarification questions: companies ask until questions close before the deadline, the owner
answers in public (never naming who asked) or declines with a reason, followers hear of every
answer, and the API publishes the answered questions."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ponte.challenges.models import Interest, Question, QuestionStatus
from ponte.challenges.queries import questions as questions_queries
from ponte.challenges.services import questions as questions_services
from ponte.core.models import AuditEvent, Notification
from tests.conftest import give_two_factor
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    OrganisationFactory,
    PublishedChallengeFactory,
)

ASKER_NAME = "Quentin Questioner"
ASKER_COMPANY = "Secretive Widgets Ltd"
QUESTION = "Does the service have to work offline in rural offices?"
YOURS = '<span class="tag">Your company'
ANSWER = "Yes: offices lose their connection several times a week."


@pytest.fixture
def body(db):
    return OrganisationFactory(name="Agency for Administrative Modernisation")


@pytest.fixture
def author(body):
    return MembershipFactory(organisation=body, role="member", user__name="Ana Author").user


@pytest.fixture
def body_admin(body):
    return MembershipFactory(organisation=body, role="admin", user__name="Odete Admin").user


@pytest.fixture
def colleague(body):
    return MembershipFactory(organisation=body, role="member", user__name="Carlos Colleague").user


@pytest.fixture
def challenge(body, author):
    return PublishedChallengeFactory(owner=body, author=author, deadline=timezone.now() + timedelta(days=10))


@pytest.fixture
def company():
    return CompanyFactory(name=ASKER_COMPANY)


@pytest.fixture
def asker(company):
    return MembershipFactory(organisation=company, user__name=ASKER_NAME).user


@pytest.fixture
def colleague_at_company(company):
    return MembershipFactory(organisation=company, user__name="Rita Same-Company").user


@pytest.fixture
def other_member():
    return MembershipFactory(organisation=CompanyFactory(name="Rival Systems"), user__name="Otto Other").user


@pytest.fixture
def login(client):
    def sign_in(user):
        if user.is_programme_manager:
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


def ask(challenge, asker, company, text=QUESTION):
    return questions_services.question_ask(actor=asker, challenge=challenge, company=company, text=text)


def answered(challenge, asker, company, owner, text=QUESTION, answer=ANSWER):
    question = ask(challenge, asker, company, text)
    return questions_services.question_answer(actor=owner, question=question, answer=answer)


def page(client, challenge):
    response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Asking ------------------------------------------------------------------------------------


def test_a_company_member_asks_and_the_owner_is_told_without_the_askers_name(
    challenge, asker, company, author, body_admin
):
    question = ask(challenge, asker, company, f"  {QUESTION}  ")
    assert question.status == QuestionStatus.PENDING
    assert question.text == QUESTION
    assert (question.asker, question.company) == (asker, company)
    told = Notification.objects.filter(kind="challenges.question_asked")
    assert {n.recipient for n in told} == {author, body_admin}
    for notification in told:
        assert ASKER_NAME not in notification.message and ASKER_COMPANY not in notification.message
    audit = AuditEvent.objects.get(
        verb="ask_question", target_type=ContentType.objects.get_for_model(Question), target_id=str(question.pk)
    )
    assert audit.actor == asker


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_too_long_question_is_refused(challenge, asker, company, text):
    with pytest.raises(ValidationError) as error:
        ask(challenge, asker, company, text)
    assert "text" in error.value.message_dict
    assert not Question.objects.exists()


def test_a_question_of_exactly_2000_characters_is_accepted(challenge, asker, company):
    assert len(ask(challenge, asker, company, "x" * 2000).text) == 2000


def test_a_citizen_or_a_public_servant_may_not_ask(challenge, company, author, citizen):
    for person in (citizen, author):
        with pytest.raises(PermissionDenied):
            ask(challenge, person, company)
    assert not Question.objects.exists()


def test_one_may_ask_only_for_a_company_one_belongs_to(challenge, asker, other_member, company):
    with pytest.raises(PermissionDenied):
        ask(challenge, other_member, company)


def test_a_member_of_an_unverified_company_may_not_ask(challenge):
    pending = CompanyFactory(status="pending", verified_at=None)
    person = MembershipFactory(organisation=pending).user
    with pytest.raises(PermissionDenied):
        ask(challenge, person, pending)


@pytest.mark.parametrize("status", ["draft", "awaiting_review", "approved", "cancelled"])
def test_no_question_on_a_challenge_that_is_not_published_and_open(body, author, asker, company, status):
    challenge = ChallengeFactory(owner=body, author=author, status=status)
    with pytest.raises((PermissionDenied, ValidationError)):
        ask(challenge, asker, company)
    assert not Question.objects.exists()


# Time is data: questions close a configurable time before the deadline ------------------------


@pytest.fixture
def deadline():
    return timezone.now().replace(microsecond=0) + timedelta(days=10)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
    ids=["one second before", "at the close", "after the close"],
)
def test_questions_close_72_hours_before_the_deadline(body, author, asker, company, deadline, offset, accepted):
    challenge = PublishedChallengeFactory(owner=body, author=author, deadline=deadline)
    closes = deadline - timedelta(hours=72)
    with time_machine.travel(closes + offset, tick=False):
        assert asker.has_perm("challenges.ask_question", challenge) is accepted
        if accepted:
            ask(challenge, asker, company)
        else:
            with pytest.raises(ValidationError) as error:
                ask(challenge, asker, company)
            assert "Questions closed on" in error.value.message_dict["text"][0]
    assert Question.objects.count() == (1 if accepted else 0)


def test_the_closing_time_is_a_setting(settings, body, author, asker, company, deadline):
    settings.PONTE_QUESTIONS_CLOSE_HOURS = 1
    challenge = PublishedChallengeFactory(owner=body, author=author, deadline=deadline)
    with time_machine.travel(deadline - timedelta(hours=2), tick=False):
        ask(challenge, asker, company)
    with time_machine.travel(deadline - timedelta(minutes=59), tick=False), pytest.raises(ValidationError):
        ask(challenge, asker, company)


def test_the_page_says_when_questions_closed_and_offers_no_form(login, body, author, asker, deadline):
    challenge = PublishedChallengeFactory(owner=body, author=author, deadline=deadline)
    client = login(asker)
    with time_machine.travel(deadline - timedelta(hours=72, seconds=1), tick=False):
        html = page(client, challenge)
        assert 'name="text"' in html and "Questions closed on" not in html
    with time_machine.travel(deadline - timedelta(hours=71), tick=False):
        html = page(client, challenge)
        assert "Questions closed on" in html and 'name="text"' not in html
        response = client.post(f"/challenges/{challenge.pk}/questions/ask/", {"text": QUESTION})
        assert response.status_code == 400
        body_html = response.content.decode()
        assert "Questions closed on" in body_html and QUESTION in body_html  # nothing typed is lost
    assert not Question.objects.exists()


# One date format per language: the cut-off reads like every other date ----------------------

BRUSSELS_DEADLINE = timezone.make_aware(timezone.datetime(2026, 12, 22, 17, 0), ZoneInfo("Europe/Brussels"))


@pytest.mark.parametrize(
    ("language", "until", "closed"),
    [
        (
            "en",
            "Companies may ask clarification questions until 19 December 2026, 17:00. Every answer",
            "Questions closed on 19 December 2026, 17:00.",
        ),
        (
            "fr",
            "jusqu’au 19 décembre 2026 à 17:00. Chaque réponse",
            "Les questions ont été closes le 19 décembre 2026 à 17:00.",
        ),
    ],
)
def test_the_question_cut_off_is_written_in_the_language_s_one_date_format(
    client, body, author, language, until, closed
):
    body.country = "BE"
    body.save(update_fields=["country"])
    challenge = PublishedChallengeFactory(owner=body, author=author, deadline=BRUSSELS_DEADLINE)

    def read():
        # The language a request chose stays active afterwards: leave none to the next test.
        with translation.override(language):
            return client.get(challenge.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    with time_machine.travel(BRUSSELS_DEADLINE - timedelta(days=10), tick=False):
        html = read()
    assert until in html
    assert "p.m." not in html and ".." not in html.replace("...", "")
    with time_machine.travel(BRUSSELS_DEADLINE - timedelta(hours=1), tick=False):
        html = read()
    assert closed in html


# Answering and declining -----------------------------------------------------------------------


def test_the_author_answers_and_the_asker_and_followers_are_told(
    challenge, asker, company, author, other_member, colleague_at_company
):
    Interest.objects.create(challenge=challenge, company=other_member.memberships.get().organisation, user=other_member)
    Interest.objects.create(challenge=challenge, company=company, user=asker)
    question = ask(challenge, asker, company)
    question = questions_services.question_answer(actor=author, question=question, answer=f" {ANSWER} ")
    assert question.status == QuestionStatus.ANSWERED and question.answer == ANSWER
    assert question.answered_at is not None and question.answered_by == author
    assert Notification.objects.get(kind="challenges.your_question_answered").recipient == asker
    others = Notification.objects.filter(kind="challenges.question_answered")
    assert [n.recipient for n in others] == [other_member]
    for notification in others:
        assert ASKER_NAME not in notification.message and ASKER_COMPANY not in notification.message
        assert ASKER_NAME not in str(notification.params) and ASKER_COMPANY not in str(notification.params)
    assert AuditEvent.objects.filter(verb="answer", target_id=str(question.pk)).count() == 1


def test_the_owner_bodys_admin_answers_too(challenge, asker, company, body_admin):
    assert answered(challenge, asker, company, body_admin).status == QuestionStatus.ANSWERED


@pytest.mark.parametrize("who", ["colleague", "asker", "other_member", "programme_manager", "citizen"])
def test_only_the_owner_answers(request, challenge, asker, company, who):
    question = ask(challenge, asker, company)
    with pytest.raises(PermissionDenied):
        questions_services.question_answer(actor=request.getfixturevalue(who), question=question, answer=ANSWER)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_a_question_is_answered_once(challenge, asker, company, author):
    question = answered(challenge, asker, company, author)
    with pytest.raises(ValidationError, match="already answered"):
        questions_services.question_answer(actor=author, question=question, answer="Something else")
    question.refresh_from_db()
    assert question.answer == ANSWER


def test_an_empty_answer_is_refused(challenge, asker, company, author):
    question = ask(challenge, asker, company)
    with pytest.raises(ValidationError) as error:
        questions_services.question_answer(actor=author, question=question, answer="  ")
    assert "answer" in error.value.message_dict


def test_the_owner_declines_with_a_reason_and_the_asker_is_told(challenge, asker, company, author):
    question = ask(challenge, asker, company)
    with pytest.raises(ValidationError):
        questions_services.question_decline(actor=author, question=question, reason=" ")
    question = questions_services.question_decline(actor=author, question=question, reason="Already answered above.")
    assert question.status == QuestionStatus.DECLINED
    told = Notification.objects.get(kind="challenges.question_declined")
    assert told.recipient == asker and "Already answered above." in told.message
    with pytest.raises(ValidationError, match="declined"):
        questions_services.question_answer(actor=author, question=question, answer=ANSWER)
    assert not questions_queries.published_questions(challenge).exists()


# What each person sees -----------------------------------------------------------------------


def test_the_public_page_shows_answers_newest_first_without_who_asked(client, challenge, asker, company, author):
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        answered(challenge, asker, company, author, text="First question?", answer="First answer.")
    answered(challenge, asker, company, author, text="Second question?", answer="Second answer.")
    html = page(client, challenge)
    assert "Questions and answers" in html
    assert html.index("Second answer.") < html.index("First answer.")
    assert ASKER_NAME not in html and ASKER_COMPANY not in html
    assert YOURS not in html


def test_only_the_askers_company_sees_your_question(login, challenge, asker, company, author, colleague_at_company):
    answered(challenge, asker, company, author)
    html = page(login(colleague_at_company), challenge)
    assert YOURS in html
    assert ASKER_NAME not in html


def test_another_company_sees_the_answer_but_not_who_asked(login, challenge, asker, company, author, other_member):
    answered(challenge, asker, company, author)
    html = page(login(other_member), challenge)
    assert ANSWER in html
    assert ASKER_NAME not in html and ASKER_COMPANY not in html and YOURS not in html


def test_unanswered_questions_are_seen_by_the_owner_the_asking_company_and_programme_managers(
    login, challenge, asker, company, author, colleague, colleague_at_company, other_member, programme_manager, citizen
):
    ask(challenge, asker, company)
    for person in (author, colleague, colleague_at_company, programme_manager):
        assert QUESTION in page(login(person), challenge), person
    for person in (other_member, citizen):
        assert QUESTION not in page(login(person), challenge), person
    client = login(author)
    client.logout()
    assert QUESTION not in page(client, challenge)


def test_the_owner_sees_an_answer_form_and_answers_on_the_page(login, challenge, asker, company, author):
    question = ask(challenge, asker, company)
    client = login(author)
    html = page(client, challenge)
    assert f"/challenges/{challenge.pk}/questions/{question.pk}/answer/" in html
    assert ASKER_NAME not in html and ASKER_COMPANY not in html
    response = client.post(f"/challenges/{challenge.pk}/questions/{question.pk}/answer/", {"answer": ANSWER})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    # Answering again: a clear message, not an error page.
    response = client.post(
        f"/challenges/{challenge.pk}/questions/{question.pk}/answer/", {"answer": "Again"}, follow=True
    )
    assert response.status_code == 200 and "already answered" in response.content.decode()


def test_an_empty_answer_on_the_page_keeps_the_question_pending(login, challenge, asker, company, author):
    question = ask(challenge, asker, company)
    response = login(author).post(f"/challenges/{challenge.pk}/questions/{question.pk}/answer/", {"answer": ""})
    assert response.status_code == 400 and "Write the answer." in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_declining_on_the_page_needs_a_reason(login, challenge, asker, company, author):
    question = ask(challenge, asker, company)
    client = login(author)
    url = f"/challenges/{challenge.pk}/questions/{question.pk}/decline/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Say why you decline the question." in response.content.decode()
    assert client.post(url, {"reason": "Off topic."}).status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED


def test_the_asker_sees_a_declined_question_and_its_reason(login, challenge, asker, company, author):
    question = ask(challenge, asker, company)
    questions_services.question_decline(actor=author, question=question, reason="A duplicate of question 1.")
    html = page(login(asker), challenge)
    assert "A duplicate of question 1." in html


@pytest.mark.parametrize("who", ["asker", "other_member", "colleague", "citizen"])
def test_a_non_owner_cannot_reach_the_answer_page(request, login, challenge, asker, company, who):
    question = ask(challenge, asker, company)
    client = login(request.getfixturevalue(who))
    url = f"/challenges/{challenge.pk}/questions/{question.pk}/answer/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": ANSWER}).status_code == 403
    assert client.post(url.replace("answer/", "decline/"), {"reason": "x"}).status_code == 403
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING


def test_asking_on_the_page(login, challenge, asker, company):
    client = login(asker)
    url = f"/challenges/{challenge.pk}/questions/ask/"
    response = client.post(url, {"text": ""})
    assert response.status_code == 400 and "Write your question." in response.content.decode()
    long = "y" * 2001
    response = client.post(url, {"text": long})
    assert response.status_code == 400 and long in response.content.decode()
    response = client.post(url, {"text": QUESTION})
    assert response.status_code == 302
    assert Question.objects.get().company == company


def test_a_citizen_asking_on_the_page_is_told_why(login, challenge, citizen):
    response = login(citizen).post(f"/challenges/{challenge.pk}/questions/ask/", {"text": QUESTION})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only members of a verified company" in html and QUESTION in html
    assert not Question.objects.exists()


def test_a_member_of_two_companies_chooses_one_of_his(login, challenge, asker, company, other_member):
    second = CompanyFactory(name="Second Co")
    MembershipFactory(organisation=second, user=asker)
    client = login(asker)
    url = f"/challenges/{challenge.pk}/questions/ask/"
    response = client.post(url, {"text": QUESTION})
    assert response.status_code == 400 and "Choose the company" in response.content.decode()
    rival = other_member.memberships.get().organisation
    assert client.post(url, {"text": QUESTION, "company": rival.pk}).status_code == 400
    assert client.post(url, {"text": QUESTION, "company": second.pk}).status_code == 302
    assert Question.objects.get().company == second


@pytest.mark.parametrize("status", ["draft", "awaiting_organisation"])
def test_questions_of_a_challenge_one_may_not_see_are_404(login, body, author, asker, status):
    challenge = ChallengeFactory(owner=body, author=author, status=status)
    client = login(asker)
    assert client.get(f"/challenges/{challenge.pk}/questions/ask/").status_code == 404
    assert client.post(f"/challenges/{challenge.pk}/questions/ask/", {"text": QUESTION}).status_code == 404
    assert client.get(f"/api/challenges/{challenge.pk}/questions/").status_code == 404


def test_a_question_of_another_challenge_is_404(login, challenge, body, author, asker, company):
    question = ask(challenge, asker, company)
    other = PublishedChallengeFactory(owner=body, author=author)
    assert login(author).get(f"/challenges/{other.pk}/questions/{question.pk}/answer/").status_code == 404


def test_a_cancelled_challenge_takes_no_question_on_the_page(login, body, author, asker):
    challenge = PublishedChallengeFactory(owner=body, author=author, status="cancelled")
    response = login(asker).post(f"/challenges/{challenge.pk}/questions/ask/", {"text": QUESTION})
    assert response.status_code == 400
    assert QUESTION in response.content.decode()
    assert not Question.objects.exists()


def test_the_owner_sees_how_many_questions_wait(challenge, asker, company, author, body_admin, colleague):
    ask(challenge, asker, company)
    ask(challenge, asker, company, "Another one?")
    assert questions_queries.waiting_for_answer(author).count() == 2
    assert questions_queries.waiting_for_answer(body_admin).count() == 2
    assert questions_queries.waiting_for_answer(colleague).count() == 0
    assert questions_queries.waiting_for_answer(asker).count() == 0


# The API -------------------------------------------------------------------------------------


def test_the_api_lists_answered_questions_without_who_asked(client, challenge, asker, company, author):
    answered(challenge, asker, company, author)
    ask(challenge, asker, company, "Still waiting?")
    response = client.get(f"/api/challenges/{challenge.pk}/questions/")
    assert response.status_code == 200
    [item] = response.json()
    assert item["question"] == QUESTION and item["answer"] == ANSWER
    assert set(item) == {"id", "question", "answer", "asked_at", "answered_at"}
    assert ASKER_NAME not in response.content.decode() and ASKER_COMPANY not in response.content.decode()


def test_the_api_answers_404_for_an_unknown_challenge(client, db):
    assert client.get("/api/challenges/999999/questions/").status_code == 404


# Role × state ----------------------------------------------------------------------------------

STATES = {
    "draft": {"status": "draft", "published_at": None},
    "awaiting_review": {"status": "awaiting_review", "published_at": None},
    "open": {},
    "closed": {"deadline": timezone.now() - timedelta(days=1)},
    "cancelled": {"status": "cancelled"},
}
ROLES = ["visitor", "citizen", "public_servant", "org_admin", "company_member", "programme_manager"]
EXPECTED = {
    # permission: {state: roles allowed}
    "challenges.ask_question": {"open": {"company_member"}},
    "challenges.answer_question": {"open": {"public_servant", "org_admin"}, "closed": {"public_servant", "org_admin"}},
    "challenges.view_pending_questions": {
        state: {"public_servant", "org_admin", "programme_manager"} for state in ("open", "closed", "cancelled")
    },
}


@pytest.mark.parametrize("permission", sorted(EXPECTED))
@pytest.mark.parametrize("state", sorted(STATES))
def test_role_by_state(person_in_role, permission, state):
    body = OrganisationFactory()
    author = MembershipFactory(organisation=body).user
    fields = dict(STATES[state])
    if "deadline" in fields:
        fields["deadline"] = timezone.now() - timedelta(days=1)
    challenge = PublishedChallengeFactory(owner=body, author=author, **fields)
    allowed = EXPECTED[permission].get(state, set())
    for role in ROLES:
        person = author if role == "public_servant" else person_in_role(role, body)
        assert person.has_perm(permission, challenge) is (role in allowed), (role, state)


def test_an_author_who_left_the_body_no_longer_answers(challenge, author, asker, company):
    question = ask(challenge, asker, company)
    author.memberships.all().delete()
    with pytest.raises(PermissionDenied):
        questions_services.question_answer(actor=author, question=question, answer=ANSWER)
