"""The home page's "Questions waiting for your answer" leads to the questions themselves: to
the challenge page where the owner answers them when they are all on one challenge, else to a
list of the waiting questions, each with its challenge and a link to answer it."""

import pytest

from ponte.challenges.services import questions as questions_services
from tests.factories import CompanyFactory, MembershipFactory, OrganisationFactory, PublishedChallengeFactory
from tests.reading import Page

FIRST = "Must the service work offline in rural offices?"
SECOND = "Which languages must the forms be in?"
THIRD = "Can we reuse the national login?"
LINK = "Questions waiting for your answer"


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
def forms_challenge(body, author):
    return PublishedChallengeFactory(owner=body, author=author, title="Citizens cannot find the right form")


@pytest.fixture
def queues_challenge(body, author):
    return PublishedChallengeFactory(owner=body, author=author, title="Queues at the front desk")


@pytest.fixture
def company(db):
    return CompanyFactory(name="Civic Data Labs")


@pytest.fixture
def asker(company):
    return MembershipFactory(organisation=company).user


def ask(challenge, asker, company, text):
    return questions_services.question_ask(actor=asker, challenge=challenge, company=company, text=text)


def read(client, url) -> Page:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return Page(response)


def from_home(client, person) -> Page:
    client.force_login(person)
    home = read(client, "/")
    return read(client, home.link(LINK, home.main))


def answer_link(page, question_text) -> str:
    """The link, beside a waiting question, that leads to answering it."""
    for item in page.main.xpath(".//li"):
        if question_text in page.text(item):
            hrefs = [a.get("href") for a in item.xpath(".//a") if page.text(a).startswith("Answer")]
            assert len(hrefs) == 1, page.text(item)
            return hrefs[0]
    raise AssertionError(f"{question_text!r} is not listed: {page.text()}")


def test_questions_on_one_challenge_open_the_challenge_page_where_they_are_answered(
    client, author, forms_challenge, asker, company
):
    ask(forms_challenge, asker, company, FIRST)
    ask(forms_challenge, asker, company, SECOND)
    page = from_home(client, author)
    url, _status = page.response.redirect_chain[-1]
    assert url == forms_challenge.get_absolute_url() + "#questions-waiting"
    assert page.headings()[0] == forms_challenge.title
    waiting = page.part("2 questions waiting for an answer")
    assert FIRST in page.text(waiting) and SECOND in page.text(waiting)
    assert len(waiting.xpath(".//button[normalize-space()='Publish the answer']")) == 2


def test_questions_on_several_challenges_are_listed_with_their_challenge_and_a_link_to_answer_each(
    client, author, forms_challenge, queues_challenge, asker, company
):
    ask(forms_challenge, asker, company, FIRST)
    ask(queues_challenge, asker, company, SECOND)
    ask(queues_challenge, asker, company, THIRD)
    page = from_home(client, author)
    assert page.headings()[0] == LINK
    forms_part, queues_part = page.part(forms_challenge.title), page.part(queues_challenge.title)
    assert FIRST in page.text(forms_part) and SECOND not in page.text(forms_part)
    assert SECOND in page.text(queues_part) and THIRD in page.text(queues_part)
    assert page.link(forms_challenge.title) == forms_challenge.get_absolute_url()

    answering = read(client, answer_link(page, THIRD))
    assert answering.headings()[0] == "Answer a question"
    assert THIRD in answering.text() and SECOND not in answering.text()
    assert "Answer" in answering.labels()


def test_an_admin_of_the_body_sees_the_questions_on_its_challenges(
    client, body_admin, forms_challenge, queues_challenge, asker, company
):
    ask(forms_challenge, asker, company, FIRST)
    ask(queues_challenge, asker, company, SECOND)
    page = from_home(client, body_admin)
    assert FIRST in page.text() and SECOND in page.text()


def test_answered_and_declined_questions_and_other_bodies_questions_are_not_listed(
    client, author, forms_challenge, queues_challenge, asker, company
):
    answered = ask(forms_challenge, asker, company, FIRST)
    questions_services.question_answer(actor=author, question=answered, answer="Yes.")
    declined = ask(queues_challenge, asker, company, SECOND)
    questions_services.question_decline(actor=author, question=declined, reason="Asked already.")
    elsewhere = PublishedChallengeFactory(title="Potholes nobody reports")
    ask(elsewhere, asker, company, THIRD)
    ask(queues_challenge, asker, company, "Who runs the pilot?")
    ask(forms_challenge, asker, company, "Is there a budget for training?")
    page = from_home(client, author)
    text = page.text()
    assert "Who runs the pilot?" in text and "Is there a budget for training?" in text
    assert FIRST not in text and SECOND not in text and THIRD not in text


def test_with_no_question_waiting_the_page_says_so(client, author, forms_challenge):
    page = from_home(client, author)
    assert page.headings()[0] == LINK
    assert "No question is waiting for your answer." in page.text()


def test_a_colleague_who_neither_wrote_the_challenge_nor_administers_the_body_is_not_shown_its_questions(
    client, body, forms_challenge, asker, company
):
    ask(forms_challenge, asker, company, FIRST)
    colleague = MembershipFactory(organisation=body, role="member").user
    page = from_home(client, colleague)
    assert FIRST not in page.text()
    assert "No question is waiting for your answer." in page.text()


def test_the_list_is_for_signed_in_people(client, db):
    response = client.get("/challenges/questions/waiting/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
