"""The drafting and review journey in the browser's pages: the author's steps, the check
page, the organisation admin's approval and the programme manager's review."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ponte.challenges.models import Challenge, Status
from ponte.core.models import Notification
from ponte.reference.models import SectorTag
from tests.conftest import give_two_factor
from tests.factories import ChallengeFactory, MembershipFactory, OrganisationFactory, UserFactory


def edit(challenge, step):
    return f"/challenges/{challenge.pk}/edit/{step}/"


# The address of each decision on a challenge.
ACTION_PATHS = {"approve_for_organisation": "approve-for-organisation", "return_to_author": "return"}


def action(challenge, verb):
    return f"/challenges/{challenge.pk}/{ACTION_PATHS.get(verb, verb)}/"


def check(challenge):
    return f"/challenges/{challenge.pk}/check/"


@pytest.fixture
def login(client):
    def sign_in(user):
        if user.is_programme_manager:
            give_two_factor(user)
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def draft(organisation, member):
    return ChallengeFactory(owner=organisation, author=member, title="Citizens cannot find the right form")


@pytest.fixture
def complete(draft):
    draft.sectors.set([SectorTag.objects.get(code="digital")])
    return draft


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def submitted(challenge, status):
    Challenge.objects.filter(pk=challenge.pk).update(status=status, submitted_at=timezone.now())
    challenge.refresh_from_db()
    return challenge


# Creating --------------------------------------------------------------------------------


def test_public_servant_creates_a_draft_and_goes_to_the_first_step(login, organisation, member):
    response = login(member).post("/challenges/new/", {"owner": organisation.pk, "title": "Queues at the desk"})
    challenge = Challenge.objects.get(title="Queues at the desk")
    assert response.status_code == 302 and response["Location"] == edit(challenge, "problem")
    assert challenge.status == Status.DRAFT and challenge.author == member and challenge.owner == organisation


def test_a_member_of_several_bodies_chooses_one_and_a_missing_title_is_explained(login, organisation, member):
    MembershipFactory(user=member, organisation=OrganisationFactory(name="Second Ministry"))
    client = login(member)
    page = client.get("/challenges/new/")
    assert b"Second Ministry" in page.content and b'type="radio"' in page.content
    response = client.post("/challenges/new/", {"owner": organisation.pk, "title": ""})
    assert response.status_code == 200
    assert errors_of(response, "title") == ["Give the challenge a title."]
    assert not Challenge.objects.exists()


def test_someone_outside_public_bodies_cannot_post_a_challenge(login, citizen):
    assert login(citizen).get("/challenges/new/").status_code == 403


# The steps -------------------------------------------------------------------------------


def test_problem_step_saves_even_when_other_steps_are_empty(login, organisation, member):
    challenge = ChallengeFactory(owner=organisation, author=member, summary="", criteria=False, budget_ceiling=None)
    response = login(member).post(
        edit(challenge, "problem"),
        {"title": "New title", "summary": "Short", "problem": "The problem", "continue": "1"},
    )
    assert response.status_code == 302 and response["Location"] == edit(challenge, "classification")
    challenge.refresh_from_db()
    assert (challenge.title, challenge.summary, challenge.problem) == ("New title", "Short", "The problem")


def test_save_draft_stays_on_the_step(login, draft, member):
    response = login(member).post(edit(draft, "problem"), {"title": draft.title, "context": "Since 2020", "save": "1"})
    assert response["Location"] == edit(draft, "problem")
    draft.refresh_from_db()
    assert draft.context == "Since 2020"


def test_classification_saves_sectors_codes_and_languages_and_shows_code_labels(login, draft, member):
    client = login(member)
    response = client.post(
        edit(draft, "classification"),
        {"sectors": ["digital", "health"], "cpv_codes": "72000000-5, 48000000-8", "languages": ["en", "fr"]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert {s.code for s in draft.sectors.all()} == {"digital", "health"}
    assert {c.code for c in draft.cpv_codes.all()} == {"72000000-5", "48000000-8"}
    assert draft.languages == ["en", "fr"]
    page = client.get(edit(draft, "classification")).content.decode()
    assert "IT services: consulting, software development" in page
    assert 'value="72000000-5, 48000000-8"' in page or 'value="48000000-8, 72000000-5"' in page


def test_unknown_cpv_codes_are_named_and_everything_typed_is_kept(login, draft, member):
    response = login(member).post(
        edit(draft, "classification"),
        {"sectors": ["health"], "cpv_codes": "72000000-5, 99999999-1, banana", "languages": ["nl"]},
    )
    assert response.status_code == 200
    [message] = errors_of(response, "cpv_codes")
    assert "99999999-1" in message and "banana" in message and "72000000-5," not in message
    page = response.content.decode()
    assert 'value="72000000-5, 99999999-1, banana"' in page
    assert response.context["form"]["sectors"].value() == ["health"]
    assert response.context["form"]["languages"].value() == ["nl"]
    assert not draft.cpv_codes.exists() and not draft.sectors.exists()


def test_budget_deadline_and_instrument_are_saved_in_the_site_time_zone(login, draft, member, settings):
    day = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = login(member).post(
        edit(draft, "budget"),
        {"instrument": "prize", "budget_ceiling": "75000", "deadline_date": day, "deadline_time": "17:00"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.instrument == "prize" and draft.budget_ceiling == Decimal("75000")
    local = timezone.localtime(draft.deadline)
    assert (local.date().isoformat(), local.hour, local.minute) == (day, 17, 0)
    assert str(local.tzinfo) == settings.TIME_ZONE


def test_budget_page_shows_each_instruments_ceiling(login, draft, member):
    page = login(member).get(edit(draft, "budget")).content.decode()
    assert "legal ceiling: EUR 30,000 excluding VAT" in page and "no legal ceiling" in page


def test_budget_above_the_ceiling_is_refused_on_the_field_keeping_what_was_typed(login, draft, member):
    day = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = login(member).post(
        edit(draft, "budget"),
        {"instrument": "low_value", "budget_ceiling": "45000", "deadline_date": day, "deadline_time": "12:30"},
    )
    assert response.status_code == 200
    assert "may not exceed EUR 30,000" in " ".join(errors_of(response, "budget_ceiling"))
    page = response.content.decode()
    assert 'value="45000"' in page and f'value="{day}"' in page and 'value="12:30"' in page
    draft.refresh_from_db()
    assert draft.budget_ceiling == Decimal("20000")


@pytest.mark.parametrize(
    ("budget", "date_offset", "field", "message"),
    [
        ("lots", 40, "budget_ceiling", "Enter the budget as a number of euros"),
        ("20000", -2, "deadline_date", "The deadline must be in the future."),
    ],
)
def test_bad_budget_or_past_deadline_is_explained(login, draft, member, budget, date_offset, field, message):
    day = (timezone.localdate() + timedelta(days=date_offset)).isoformat()
    response = login(member).post(
        edit(draft, "budget"),
        {"instrument": "low_value", "budget_ceiling": budget, "deadline_date": day, "deadline_time": "10:00"},
    )
    assert response.status_code == 200
    assert message in " ".join(errors_of(response, field))
    assert f'value="{budget}"' in response.content.decode() and f'value="{day}"' in response.content.decode()


def criteria_data(*rows):
    data = {"criteria-TOTAL_FORMS": "8", "criteria-INITIAL_FORMS": "0", "criteria-MAX_NUM_FORMS": "8"}
    for i, (name, weight) in enumerate(rows):
        data[f"criteria-{i}-name"] = name
        data[f"criteria-{i}-weight"] = str(weight)
    return data


def test_criteria_are_saved_and_empty_rows_ignored(login, draft, member):
    response = login(member).post(
        edit(draft, "criteria"), {**criteria_data(("Impact", 70), ("Cost", 30)), "continue": "1"}
    )
    # The documents step comes after the criteria.
    assert response.status_code == 302 and response["Location"] == edit(draft, "documents")
    assert [(c.name, c.weight) for c in draft.criteria.all()] == [("Impact", 70), ("Cost", 30)]


def test_weights_not_adding_up_to_100_are_refused_and_the_rows_kept(login, draft, member):
    response = login(member).post(edit(draft, "criteria"), criteria_data(("Impact", 70), ("Cost", 20)))
    assert response.status_code == 200
    assert "add up to 90%" in " ".join(response.context["form"].non_form_errors())
    page = response.content.decode()
    assert 'value="Impact"' in page and 'value="70"' in page and 'value="20"' in page
    assert [c.weight for c in draft.criteria.all()] == [60, 40]


def test_a_criterion_without_weight_is_explained(login, draft, member):
    response = login(member).post(edit(draft, "criteria"), criteria_data(("Impact", 100), ("Cost", "")))
    assert response.status_code == 200
    assert response.context["form"].forms[1].errors["weight"] == ["Give this criterion a weight."]


def test_editing_a_published_challenge_warns_then_amends_it_or_sends_it_back_to_review(login, complete, member):
    Challenge.objects.filter(pk=complete.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    client = login(member)
    page = client.get(edit(complete, "problem")).content.decode()
    assert "Changing the budget ceiling, the instrument or the evaluation criteria sends it back to review" in page
    # A clarified text is an amendment: the challenge stays published (it used to go back to review).
    data = {"title": complete.title, "summary": "A new summary", "problem": "x", "rationale": "Clearer."}
    assert client.post(edit(complete, "problem"), data).status_code == 302
    complete.refresh_from_db()
    assert complete.status == Status.PUBLISHED and complete.summary == "A new summary"
    # A new budget ceiling alters what is bought: back to review.
    local = timezone.localtime(complete.deadline)
    data = {
        "instrument": "low_value",
        "budget_ceiling": "25000",
        "deadline_date": local.date().isoformat(),
        "deadline_time": local.strftime("%H:%M"),
        "rationale": "The budget was approved.",
    }
    client.post(edit(complete, "budget"), data)
    complete.refresh_from_db()
    assert complete.status == Status.AWAITING_REVIEW


def test_a_challenge_in_review_cannot_be_edited(login, complete, member):
    submitted(complete, Status.AWAITING_REVIEW)
    assert login(member).get(edit(complete, "problem")).status_code == 403


def test_unknown_step_is_not_found(login, draft, member):
    assert login(member).get(edit(draft, "colours")).status_code == 404


# Checking and submitting ---------------------------------------------------------------------


def test_check_page_lists_what_is_missing_with_links_and_offers_no_submit(login, draft, member):
    response = login(member).get(check(draft))
    page = response.content.decode()
    assert "Choose at least one sector." in page
    assert f'href="{edit(draft, "classification")}#id_sectors_0"' in page
    assert action(draft, "submit") not in page
    assert login(member).post(action(draft, "submit")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_complete_draft_is_sent_for_approval(login, complete, member, org_admin):
    client = login(member)
    page = client.get(check(complete)).content.decode()
    assert "Still missing" not in page and action(complete, "submit") in page
    response = client.post(action(complete, "submit"), follow=True)
    complete.refresh_from_db()
    assert complete.status == Status.AWAITING_ORGANISATION
    assert "sent to your organisation" in response.content.decode()
    assert Notification.objects.filter(recipient=org_admin, kind="challenges.to_approve").exists()


# The organisation admin ------------------------------------------------------------------------


def test_org_admin_sees_what_awaits_approval_and_approves(login, complete, org_admin):
    submitted(complete, Status.AWAITING_ORGANISATION)
    client = login(org_admin)
    mine = client.get("/challenges/mine/").content.decode()
    assert "Waiting for your approval" in mine and complete.title in mine
    detail = client.get(complete.get_absolute_url()).content.decode()
    assert "Approve for publication review" in detail
    client.post(action(complete, "approve_for_organisation"))
    complete.refresh_from_db()
    assert complete.status == Status.AWAITING_REVIEW


def test_org_admin_returns_to_author_only_with_a_reason(login, complete, org_admin, member):
    submitted(complete, Status.AWAITING_ORGANISATION)
    client = login(org_admin)
    response = client.post(action(complete, "return_to_author"), {"reason": "  "})
    assert response.status_code == 200 and errors_of(response, "reason") == ["Say what needs to change."]
    complete.refresh_from_db()
    assert complete.status == Status.AWAITING_ORGANISATION
    client.post(action(complete, "return_to_author"), {"reason": "Name the municipalities concerned."})
    complete.refresh_from_db()
    assert complete.status == Status.CHANGES_REQUESTED
    assert complete.changes_requested_reason == "Name the municipalities concerned."


def test_a_member_cannot_approve_for_the_organisation(login, complete, member):
    submitted(complete, Status.AWAITING_ORGANISATION)
    assert login(member).post(action(complete, "approve_for_organisation")).status_code == 403


# The programme manager ------------------------------------------------------------------------


def test_programme_manager_sees_the_queue_approves_and_publishes(login, complete, programme_manager, member):
    submitted(complete, Status.AWAITING_REVIEW)
    client = login(programme_manager)
    queue = client.get("/challenges/review/").content.decode()
    assert complete.title in queue
    detail = client.get(complete.get_absolute_url()).content.decode()
    assert "Request changes" in detail and ">Approve<" in detail
    client.post(action(complete, "approve"))
    complete.refresh_from_db()
    assert complete.status == Status.APPROVED
    client.post(action(complete, "publish"))
    complete.refresh_from_db()
    assert complete.status == Status.PUBLISHED
    assert Notification.objects.filter(recipient=member, kind="challenges.published").exists()


def test_programme_manager_requests_changes_and_the_author_sees_the_reason(
    login, client, complete, programme_manager, member
):
    submitted(complete, Status.AWAITING_REVIEW)
    login(programme_manager).post(action(complete, "return_to_author"), {"reason": "Remove the brand name."})
    complete.refresh_from_db()
    assert complete.status == Status.CHANGES_REQUESTED
    client.logout()
    page = login(member).get(complete.get_absolute_url()).content.decode()
    assert "Remove the brand name." in page
    assert Notification.objects.filter(recipient=member, kind="challenges.changes_requested").exists()


def test_programme_manager_without_two_factor_is_sent_to_set_it_up(client, complete):
    manager = UserFactory(is_programme_manager=True)
    client.force_login(manager)
    response = client.get("/challenges/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.post(action(complete, "approve")).status_code == 302
    complete.refresh_from_db()
    assert complete.status == Status.DRAFT


def test_publishing_twice_gives_a_message_not_an_error(login, complete, programme_manager):
    submitted(complete, Status.APPROVED)
    client = login(programme_manager)
    client.post(action(complete, "publish"))
    response = client.post(action(complete, "publish"), follow=True)
    assert response.status_code == 200
    assert "This cannot be done while the challenge is" in response.content.decode()


def test_cancel_asks_for_confirmation_and_a_reason(login, complete, programme_manager):
    submitted(complete, Status.AWAITING_REVIEW)
    client = login(programme_manager)
    page = client.get(action(complete, "cancel"))
    assert page.status_code == 200 and "Why are you cancelling this challenge?" in page.content.decode()
    response = client.post(action(complete, "cancel"), {"reason": ""})
    assert errors_of(response, "reason") == ["Give the reason for cancelling."]
    client.post(action(complete, "cancel"), {"reason": "The service is being merged."})
    complete.refresh_from_db()
    assert complete.status == Status.CANCELLED and complete.cancellation_reason == "The service is being merged."


# Who may see and do what ---------------------------------------------------------------------


def test_outsiders_do_not_find_drafts(login, draft, programme_manager):
    outsider = MembershipFactory(organisation=OrganisationFactory()).user
    client = login(outsider)
    for url in (edit(draft, "problem"), check(draft), action(draft, "cancel")):
        assert client.get(url).status_code == 404
    assert client.post(action(draft, "submit")).status_code == 404
    assert login(programme_manager).get(check(draft)).status_code == 404


def test_wrong_role_on_a_visible_challenge_is_forbidden(login, complete, member, citizen):
    submitted(complete, Status.AWAITING_REVIEW)
    assert login(member).post(action(complete, "approve")).status_code == 403
    assert login(member).post(action(complete, "publish")).status_code == 403
    Challenge.objects.filter(pk=complete.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    assert login(citizen).post(action(complete, "cancel"), {"reason": "no"}).status_code == 403


def test_unknown_verb_is_not_found(login, draft, member):
    assert login(member).post(action(draft, "explode")).status_code == 404
