"""What sending a challenge needs, as its author reads it: a field that sending needs is never
labelled "(optional)", each drafting step says which of its fields sending needs and which are
still missing, and the draft's task list gives each part's status. All of it follows the one
rule that decides whether a challenge can be sent (content_services.missing_for_submission)."""

import pytest

from ponte.challenges.models import Status
from ponte.challenges.services import content as content_services
from ponte.challenges.services import review as review_services
from tests.factories import ChallengeFactory
from tests.reading import Page

OPTIONAL = " (optional)"


def edit(challenge, step):
    return f"/challenges/{challenge.pk}/edit/{step}/"


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def blank(organisation, member):
    """A draft just created: a title and nothing else."""
    return ChallengeFactory(
        owner=organisation,
        author=member,
        title="Queues at the front desk",
        summary="",
        problem="",
        affected="",
        desired_outcomes="",
        budget_ceiling=None,
        deadline=None,
        criteria=False,
    )


def read(client, url) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response)


# No "(optional)" on what sending needs ---------------------------------------------------------

STEP_FIELDS = {
    "problem": (
        ["Title", "Summary", "The problem", "Who is affected", "Desired outcomes"],
        ["Phase", "Context", "Constraints", "Out of scope"],
    ),
    "classification": (["Sectors"], ["CPV codes", "Languages of proposals"]),
    "budget": (
        [
            "Procurement instrument",
            "Budget ceiling (EUR, excluding VAT)",
            "Deadline for proposals: date",
            "Deadline for proposals: time",
        ],
        [],
    ),
}


@pytest.mark.parametrize("step", STEP_FIELDS)
def test_only_what_sending_never_needs_is_labelled_optional(signed_in, blank, step):
    needed, optional = STEP_FIELDS[step]
    labels = read(signed_in, edit(blank, step)).labels()
    assert [label for label in labels if label.endswith(OPTIONAL)] == [f"{name}{OPTIONAL}" for name in optional]
    for name in needed:
        assert name in labels, labels


def test_a_criterion_row_asks_for_its_name_and_weight_and_only_the_description_is_optional(signed_in, blank):
    labels = read(signed_in, edit(blank, "criteria")).labels()
    assert labels[:4] == ["Criterion 1", "Criterion", f"What evaluators look for{OPTIONAL}", "Weight (%)"]


def test_what_the_rule_does_not_need_is_optional_and_what_it_needs_is_not(signed_in, blank, monkeypatch):
    """The pages ask the send rule: a field it stops needing becomes "(optional)" and leaves the
    list of what sending needs."""
    relaxed = [(field, check) for field, check in content_services.SUBMISSION_CHECKS if field != "affected"]
    monkeypatch.setattr(content_services, "SUBMISSION_CHECKS", relaxed)
    page = read(signed_in, edit(blank, "problem"))
    assert f"Who is affected{OPTIONAL}" in page.labels()
    assert f"Summary{OPTIONAL}" not in page.labels()
    needed = page.items(page.part("Needed before you send"))
    assert not any(item.startswith("Who is affected") for item in needed)
    assert any(item.startswith("Summary") for item in needed)


# Each step says what sending needs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "needed"),
    [
        ("problem", ["Summary", "The problem", "Who is affected", "Desired outcomes"]),
        ("classification", ["Sectors"]),
        ("budget", ["Budget ceiling (EUR, excluding VAT)", "Deadline for proposals"]),
        ("criteria", ["Evaluation criteria"]),
    ],
)
def test_each_step_lists_what_sending_needs_from_it_and_says_a_draft_may_wait(signed_in, blank, step, needed):
    page = read(signed_in, edit(blank, step))
    notice = page.part("Needed before you send")
    assert "You can save the draft without them" in page.text(notice)
    items = page.items(notice)
    assert [next(name for name in needed if item.startswith(name)) for item in items] == needed


def test_the_step_says_which_needed_fields_are_still_missing_in_the_rules_words(signed_in, blank):
    blank.summary = "People queue for hours."
    blank.save()
    page = read(signed_in, edit(blank, "problem"))
    notice = page.part("Needed before you send")
    assert "Write a short summary." not in page.item_starting("Summary", notice)
    assert "Done" in page.item_starting("Summary", notice)
    assert "Describe the problem." in page.item_starting("The problem", notice)
    assert "Say who is affected." in page.item_starting("Who is affected", notice)


def test_the_documents_step_says_sending_does_not_need_it(signed_in, blank):
    page = read(signed_in, edit(blank, "documents"))
    assert "Sending the challenge does not need anything on this step." in page.text()


def test_saving_a_step_with_needed_fields_empty_keeps_the_draft(signed_in, blank):
    response = signed_in.post(edit(blank, "problem"), {"title": blank.title, "context": "Since 2020", "save": "1"})
    assert response.status_code == 302
    blank.refresh_from_db()
    assert blank.context == "Since 2020" and blank.summary == ""


# The task list ------------------------------------------------------------------------------------

PARTS = ["The problem", "Sectors, codes and languages", "Budget and deadline", "Evaluation criteria", "Documents"]


def task_list(client, challenge) -> Page:
    """The draft's parts, reached as its author does: from the challenge page."""
    challenge_page = read(client, challenge.get_absolute_url())
    return read(client, challenge_page.link("Parts of the challenge"))


def statuses(page) -> dict[str, str]:
    found = {}
    for part in PARTS:
        row = page.row_text(part)
        found[part] = next(s for s in ("Not started", "In progress", "Completed") if s in row)
    return found


def test_a_new_draft_has_every_part_not_started_and_cannot_be_checked_yet(signed_in, blank):
    page = task_list(signed_in, blank)
    assert page.headings()[0] == "Parts of the challenge"
    assert statuses(page) == dict.fromkeys(PARTS, "Not started")
    check = page.item_starting("Check and send")
    assert "Cannot start yet" in check
    assert page.links("Check and send") == []


def test_each_part_says_what_sending_needs_from_it(signed_in, blank):
    page = task_list(signed_in, blank)
    assert "Needed to send: Summary, The problem, Who is affected, Desired outcomes" in page.row_text("The problem")
    assert "Needed to send: Sectors" in page.row_text("Sectors, codes and languages")
    assert "Needed to send: Budget ceiling (EUR, excluding VAT), Deadline for proposals" in page.row_text(
        "Budget and deadline"
    )
    assert "Optional: sending does not need it" in page.row_text("Documents")


def test_a_part_with_something_given_but_not_all_it_needs_is_in_progress(signed_in, blank):
    blank.summary = "People queue for hours."
    blank.budget_ceiling = 10000
    blank.save()
    assert statuses(task_list(signed_in, blank)) == {
        "The problem": "In progress",
        "Sectors, codes and languages": "Not started",
        "Budget and deadline": "In progress",
        "Evaluation criteria": "Not started",
        "Documents": "Not started",
    }


def test_a_draft_with_all_that_sending_needs_can_be_checked_and_sent(signed_in, organisation, member, digital):
    draft = ChallengeFactory(owner=organisation, author=member)
    draft.sectors.set([digital])
    page = task_list(signed_in, draft)
    assert statuses(page) == {**dict.fromkeys(PARTS[:4], "Completed"), "Documents": "Not started"}
    assert "Not started" in page.row_text("Check and send")
    assert page.link("Check and send") == f"/challenges/{draft.pk}/check/"
    assert content_services.missing_for_submission(draft) == []


def test_a_past_deadline_leaves_the_budget_part_in_progress(signed_in, organisation, member, digital):
    from datetime import timedelta

    from django.utils import timezone

    draft = ChallengeFactory(owner=organisation, author=member, deadline=timezone.now() - timedelta(days=1))
    draft.sectors.set([digital])
    page = task_list(signed_in, draft)
    assert "In progress" in page.row_text("Budget and deadline")
    assert "Cannot start yet" in page.item_starting("Check and send")


def test_each_step_shows_the_status_of_every_part(signed_in, blank):
    signed_in.post(
        edit(blank, "problem"),
        {"title": blank.title, "summary": "S", "problem": "P", "affected": "A", "desired_outcomes": "D", "save": "1"},
    )
    page = read(signed_in, edit(blank, "classification"))
    parts = page.navigation("Parts of the challenge")
    assert "Completed" in page.row_text("The problem", parts)
    assert "Not started" in page.row_text("Sectors, codes and languages", parts)
    assert "Cannot start yet" in page.item_starting("Check and send", parts)


def test_the_task_list_is_for_those_who_may_change_the_draft(client, blank, citizen, organisation):
    client.force_login(citizen)
    assert client.get(f"/challenges/{blank.pk}/parts/").status_code == 404


def test_once_sent_the_challenge_page_no_longer_offers_the_parts(signed_in, organisation, member, digital):
    draft = ChallengeFactory(owner=organisation, author=member)
    draft.sectors.set([digital])
    assert read(signed_in, draft.get_absolute_url()).links("Parts of the challenge")
    review_services.challenge_submit(actor=member, challenge=draft)
    draft.refresh_from_db()
    assert draft.status == Status.AWAITING_ORGANISATION
    assert read(signed_in, draft.get_absolute_url()).links("Parts of the challenge") == []
    response = signed_in.get(f"/challenges/{draft.pk}/parts/")
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


@pytest.fixture
def digital(db):
    from ponte.reference.models import SectorTag

    return SectorTag.objects.get(code="digital")
