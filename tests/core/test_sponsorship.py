"""The sponsorship every module shares (core.sponsorship): its states and the moves between
them (a sponsor answers only when asked; one is asked first or after a decline), the check
of the person asked, asking and answering (audited once, the note checked), and the forms.
A challenge stands for the work sponsored: any model with the sponsorship fields would do."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ponte.challenges.models import Challenge
from ponte.core import sponsorship
from ponte.core.models import AuditEvent
from ponte.core.sponsorship import (
    LIFECYCLE,
    NOT_A_SPONSOR,
    AnswerForm,
    SponsorForm,
    Sponsorship,
    check_sponsor,
    is_its_sponsor,
    may_ask_a_sponsor,
    may_be_answered,
)
from ponte.core.statemachine import IllegalTransition
from tests.factories import ChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db

WHY = "Say why you decline: the body reads it."
UNKNOWN = "Nobody on Ponte has this address: name a person with the sponsor role."
ASK, ACCEPT, DECLINE = "ask_sponsor", "accept_sponsorship", "decline_sponsorship"

# The table: from which states each move may be made, and where it leads.
TABLE = {
    ACCEPT: ({Sponsorship.ASKED}, Sponsorship.ACCEPTED, "sponsorship_answered_at"),
    DECLINE: ({Sponsorship.ASKED}, Sponsorship.DECLINED, "sponsorship_answered_at"),
    ASK: ({Sponsorship.NOT_ASKED, Sponsorship.DECLINED}, Sponsorship.ASKED, "sponsorship_asked_at"),
}
PAIRS = [(state, verb) for state in Sponsorship.values for verb in TABLE]


def audit_rows(work, verb=None):
    rows = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(work), target_id=str(work.pk)
    ).order_by("pk")
    return rows.filter(verb=verb) if verb else rows


def saved(work):
    """What the database holds of the work's sponsorship."""
    return Challenge.objects.filter(pk=work.pk).values_list(
        "sponsor_id", "sponsorship", "sponsorship_asked_at", "sponsorship_answered_at", "sponsorship_note"
    )[0]


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", email="sofia.sponsor@example.com", is_sponsor=True)


@pytest.fixture
def other_sponsor(db):
    return UserFactory(name="Otto Othersponsor", email="otto.other@example.com", is_sponsor=True)


@pytest.fixture
def actor(db):
    return UserFactory(name="Ada Asker")


def work_in(state, sponsor=None, note=""):
    """A piece of work (a challenge) whose sponsorship is in `state`, `sponsor` named unless none was asked."""
    asked = state != Sponsorship.NOT_ASKED
    answered = state in (Sponsorship.ACCEPTED, Sponsorship.DECLINED)
    return ChallengeFactory(
        criteria=False,
        sponsor=sponsor if asked else None,
        sponsorship=state,
        sponsorship_asked_at=timezone.now() - timedelta(days=3) if asked else None,
        sponsorship_answered_at=timezone.now() - timedelta(days=1) if answered else None,
        sponsorship_note=note,
    )


# The table ------------------------------------------------------------------------------------------


def test_the_table_says_what_the_sponsorship_module_documents():
    # Guards the parametrisation below: every move, from where, to where, stamping what.
    assert set(Sponsorship.values) == {"none", "asked", "accepted", "declined"}
    assert {t.verb: (set(t.sources), t.target, t.timestamp) for t in LIFECYCLE.transitions} == TABLE
    assert LIFECYCLE.field == "sponsorship"
    assert len(PAIRS) == 12
    assert sum(state in TABLE[verb][0] for state, verb in PAIRS) == 4


@pytest.mark.parametrize(("state", "verb"), PAIRS)
def test_each_move_is_allowed_only_from_the_states_the_table_names(sponsor, state, verb):
    work = work_in(state, sponsor)
    allowed = state in TABLE[verb][0]
    assert LIFECYCLE.can(work, verb) is allowed
    assert (verb in LIFECYCLE.allowed_verbs(work)) is allowed
    # The predicates the modules' rules are made of say the same.
    if verb == ASK:
        assert may_ask_a_sponsor(sponsor, work) is allowed
    else:
        assert may_be_answered(sponsor, work) is allowed


def test_the_predicates_say_no_for_no_work(sponsor):
    assert not may_ask_a_sponsor(sponsor, None)
    assert not may_be_answered(sponsor, None)


@pytest.mark.parametrize(("state", "verb"), [(s, v) for s, v in PAIRS if s not in TABLE[v][0]])
def test_a_move_the_table_does_not_allow_is_refused_and_changes_nothing(sponsor, actor, state, verb):
    work = work_in(state, sponsor, note="Kept as it was.")
    before = saved(work)
    with pytest.raises(IllegalTransition) as refused, transaction.atomic():
        LIFECYCLE.apply(work, verb, actor=actor)
    assert refused.value.code == "illegal_transition"
    assert saved(work) == before
    assert not audit_rows(work).exists()


@pytest.mark.parametrize(("state", "verb"), [(s, v) for s, v in PAIRS if s in TABLE[v][0]])
def test_an_allowed_move_is_saved_time_stamped_and_audited_once(sponsor, actor, state, verb):
    work = work_in(state, sponsor)
    _sources, target, stamp = TABLE[verb]
    before = timezone.now()
    LIFECYCLE.apply(work, verb, actor=actor, reason="Because.")
    work = Challenge.objects.get(pk=work.pk)
    assert work.sponsorship == target
    assert before <= getattr(work, stamp) <= timezone.now()
    [event] = audit_rows(work)
    assert (event.verb, event.actor, event.reason) == (verb, actor, "Because.")
    assert (event.before, event.after) == ({"sponsorship": state}, {"sponsorship": target})


# check_sponsor ----------------------------------------------------------------------------------------


def _nobody():
    return None


def _not_a_sponsor():
    return UserFactory(name="Nadia Nosponsor")


def _inactive_sponsor():
    return UserFactory(is_sponsor=True, is_active=False)


def _staff_without_the_role():
    return UserFactory(is_programme_manager=True, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("make", [_nobody, _not_a_sponsor, _inactive_sponsor, _staff_without_the_role])
def test_only_an_active_person_with_the_sponsor_role_may_be_asked(make):
    with pytest.raises(ValidationError) as refused:
        check_sponsor(make())
    assert refused.value.message_dict == {"sponsor": ["Name a person who has the sponsor role on this platform."]}
    assert str(NOT_A_SPONSOR) == "Name a person who has the sponsor role on this platform."


def test_the_module_may_say_its_own_message_beside_the_field():
    with pytest.raises(ValidationError) as refused:
        check_sponsor(_not_a_sponsor(), "Name a sponsor of the lab.")
    assert refused.value.message_dict == {"sponsor": ["Name a sponsor of the lab."]}


def test_an_active_sponsor_passes(sponsor):
    assert check_sponsor(sponsor) is None


def test_an_anonymous_visitor_is_no_sponsor():
    with pytest.raises(ValidationError):
        check_sponsor(AnonymousUser())


# is_its_sponsor -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", Sponsorship.values[1:])
def test_the_named_sponsor_is_its_sponsor_while_they_hold_the_role(sponsor, other_sponsor, state):
    work = work_in(state, sponsor)
    assert is_its_sponsor(sponsor, work)
    assert not is_its_sponsor(other_sponsor, work)
    assert not is_its_sponsor(AnonymousUser(), work)
    assert not is_its_sponsor(sponsor, None)
    for lost in ({"is_sponsor": False}, {"is_active": False}):
        type(sponsor).objects.filter(pk=sponsor.pk).update(**lost)
        assert not is_its_sponsor(type(sponsor).objects.get(pk=sponsor.pk), work), lost
        type(sponsor).objects.filter(pk=sponsor.pk).update(is_sponsor=True, is_active=True)


def test_nobody_is_the_sponsor_of_work_none_was_asked_for(sponsor):
    assert not is_its_sponsor(sponsor, work_in(Sponsorship.NOT_ASKED))


# ask ------------------------------------------------------------------------------------------------------


def test_asking_names_the_sponsor_and_audits_whom(sponsor, actor):
    work = work_in(Sponsorship.NOT_ASKED)
    before = timezone.now()
    returned = sponsorship.ask(work, actor=actor, sponsor=sponsor)
    assert returned is work
    work = Challenge.objects.get(pk=work.pk)
    assert (work.sponsor, work.sponsorship) == (sponsor, Sponsorship.ASKED)
    assert before <= work.sponsorship_asked_at <= timezone.now()
    assert (work.sponsorship_answered_at, work.sponsorship_note) == (None, "")
    [event] = audit_rows(work)
    assert (event.verb, event.actor, event.reason) == (ASK, actor, sponsor.email)


@pytest.mark.parametrize("again", ["another", "the same"])
def test_asking_after_a_decline_forgets_the_answer_and_names_who_was_asked_instead(
    sponsor, other_sponsor, actor, again
):
    work = work_in(Sponsorship.DECLINED, sponsor, note="Not this year.")
    chosen = other_sponsor if again == "another" else sponsor
    sponsorship.ask(work, actor=actor, sponsor=chosen)
    work = Challenge.objects.get(pk=work.pk)
    assert (work.sponsor, work.sponsorship) == (chosen, Sponsorship.ASKED)
    assert work.sponsorship_note == "" and work.sponsorship_answered_at is None
    assert audit_rows(work, ASK).get().reason == f"{sponsor.email} → {chosen.email}"


@pytest.mark.parametrize("state", [Sponsorship.ASKED, Sponsorship.ACCEPTED])
def test_no_one_is_asked_while_a_sponsor_is_asked_or_sponsors(sponsor, other_sponsor, actor, state):
    work = work_in(state, sponsor, note="Kept.")
    before = saved(work)
    with pytest.raises(IllegalTransition), transaction.atomic():
        sponsorship.ask(work, actor=actor, sponsor=other_sponsor)
    assert saved(work) == before
    assert not audit_rows(work).exists()


@pytest.mark.parametrize("make", [_nobody, _not_a_sponsor, _inactive_sponsor])
@pytest.mark.parametrize("state", [Sponsorship.NOT_ASKED, Sponsorship.DECLINED])
def test_asking_someone_who_may_not_sponsor_changes_nothing(sponsor, actor, make, state):
    work = work_in(state, sponsor, note="Not this year." if state == Sponsorship.DECLINED else "")
    before = saved(work)
    with pytest.raises(ValidationError) as refused:
        sponsorship.ask(work, actor=actor, sponsor=make(), message="Name a sponsor of the lab.")
    assert refused.value.message_dict == {"sponsor": ["Name a sponsor of the lab."]}
    assert saved(work) == before
    # Nor is the work in memory changed: the caller may show it again as it was.
    assert (work.sponsor_id, work.sponsorship, work.sponsorship_note) == before[:2] + before[4:]
    assert not audit_rows(work).exists()


# answer ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("note", "kept"), [("", ""), ("  Glad to back it.\n", "Glad to back it.")])
def test_the_sponsor_accepts_a_note_being_optional(sponsor, note, kept):
    work = work_in(Sponsorship.ASKED, sponsor)
    before = timezone.now()
    sponsorship.answer(work, actor=sponsor, accept=True, note=note, why_needed=WHY)
    work = Challenge.objects.get(pk=work.pk)
    assert work.sponsorship == Sponsorship.ACCEPTED and work.sponsorship_note == kept
    assert before <= work.sponsorship_answered_at <= timezone.now()
    [event] = audit_rows(work)
    assert (event.verb, event.actor, event.reason) == (ACCEPT, sponsor, kept)


@pytest.mark.parametrize("note", ["", "   ", "\n\t", None])
def test_declining_needs_the_note_the_module_asks_for(sponsor, note):
    work = work_in(Sponsorship.ASKED, sponsor)
    before = saved(work)
    with pytest.raises(ValidationError) as refused:
        sponsorship.answer(work, actor=sponsor, accept=False, note=note, why_needed=WHY)
    assert refused.value.message_dict == {"note": [WHY]}
    assert saved(work) == before
    assert not audit_rows(work).exists()


def test_the_sponsor_declines_saying_why(sponsor):
    work = work_in(Sponsorship.ASKED, sponsor)
    sponsorship.answer(work, actor=sponsor, accept=False, note="  Not this year. ", why_needed=WHY)
    work = Challenge.objects.get(pk=work.pk)
    assert (work.sponsorship, work.sponsorship_note) == (Sponsorship.DECLINED, "Not this year.")
    assert audit_rows(work, DECLINE).get().reason == "Not this year."


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("Fine\x00by me", "The text contains characters that are not allowed."),
        ("x" * 4001, "Write at most 4,000 characters."),
    ],
    ids=["nul", "too-long"],
)
@pytest.mark.parametrize("accept", [True, False])
def test_a_note_with_a_nul_or_over_the_limit_is_refused(sponsor, note, message, accept):
    work = work_in(Sponsorship.ASKED, sponsor)
    before = saved(work)
    with pytest.raises(ValidationError) as refused:
        sponsorship.answer(work, actor=sponsor, accept=accept, note=note, why_needed=WHY)
    assert refused.value.message_dict == {"note": [message]}
    assert saved(work) == before
    assert sponsorship.NOTE_LIMIT == 4000


def test_a_note_of_exactly_the_limit_is_kept(sponsor):
    work = work_in(Sponsorship.ASKED, sponsor)
    sponsorship.answer(work, actor=sponsor, accept=False, note="é" * 4000, why_needed=WHY)
    assert Challenge.objects.get(pk=work.pk).sponsorship_note == "é" * 4000


@pytest.mark.parametrize("state", [Sponsorship.NOT_ASKED, Sponsorship.ACCEPTED, Sponsorship.DECLINED])
@pytest.mark.parametrize("accept", [True, False])
def test_only_a_request_waiting_is_answered(sponsor, state, accept):
    work = work_in(state, sponsor if state != Sponsorship.NOT_ASKED else None, note="First answer.")
    before = saved(work)
    with pytest.raises(IllegalTransition), transaction.atomic():
        sponsorship.answer(work, actor=sponsor, accept=accept, note="Second answer.", why_needed=WHY)
    assert saved(work) == before
    assert not audit_rows(work).exists()


# The forms --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "accepts"),
    [
        ({"answer": "accept"}, True),
        ({"answer": "accept", "note": "Glad to."}, True),
        ({"answer": "decline", "note": "No."}, False),
        ({"answer": ""}, False),
        ({"note": "No button pressed."}, False),
        ({"answer": "ACCEPT"}, False),
        ({"answer": "accept "}, False),
        ({"answer": "yes"}, False),
    ],
)
def test_the_button_pressed_says_whether_the_sponsor_accepts(data, accepts):
    assert AnswerForm(data).accepts is accepts


def test_an_unbound_answer_form_accepts_nothing():
    assert AnswerForm().accepts is False


def test_the_answer_form_leaves_the_need_for_a_note_to_the_service():
    form = AnswerForm({"answer": "decline", "note": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == ""
    field = form.fields["note"]
    assert field.required is False and getattr(field, "needed_later", False) is True
    assert str(field.label) == "Note for those who asked"
    assert str(field.help_text) == "Needed to decline: say why."


def test_the_module_names_the_note_for_its_readers():
    assert AnswerForm(note_label="Note for the public body").fields["note"].label == "Note for the public body"


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
        ("Fine\x00by me", "Null characters are not allowed."),
    ],
    ids=["too-long", "nul"],
)
def test_the_answer_form_refuses_a_note_no_service_would_keep(note, message):
    form = AnswerForm({"answer": "accept", "note": note})
    assert not form.is_valid()
    assert form.errors["note"] == [message]


def suggesting(data=None):
    return SponsorForm(data, suggestions="/challenges/1/sponsor/suggestions/")


def test_the_sponsor_form_finds_the_person_by_address_in_any_case(sponsor):
    form = suggesting({"sponsor": "  Sofia.SPONSOR@example.com  "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sponsor"] == sponsor


def test_the_sponsor_form_finds_anyone_with_the_address_leaving_the_role_to_the_service():
    someone = UserFactory(email="nadia@example.com", is_active=False)
    form = suggesting({"sponsor": "nadia@example.com"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sponsor"] == someone
    with pytest.raises(ValidationError):
        check_sponsor(form.cleaned_data["sponsor"])


@pytest.mark.parametrize("value", ["nobody@example.com", "sofia.sponsor@example", "Sofia Sponsor", "sofia"])
def test_an_address_nobody_has_is_refused_saying_so(sponsor, value):
    form = suggesting({"sponsor": value})
    assert not form.is_valid()
    assert form.errors["sponsor"] == [UNKNOWN]


@pytest.mark.parametrize("data", [{"sponsor": ""}, {"sponsor": "   "}, {}])
def test_an_empty_sponsor_asks_for_a_person_with_the_role(data):
    form = suggesting(data)
    assert not form.is_valid()
    assert form.errors["sponsor"] == ["Name a person who has the sponsor role on this platform."]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x00b@example.com", "Null characters are not allowed."),
        ("x" * 255, "Ensure this value has at most 254 characters (it has 255)."),
    ],
    ids=["nul", "too-long"],
)
def test_garbage_in_the_sponsor_field_is_refused_before_any_search(value, message):
    form = suggesting({"sponsor": value})
    assert not form.is_valid()
    assert form.errors["sponsor"] == [message]


def test_the_sponsor_field_leads_to_its_suggestions():
    widget = suggesting().fields["sponsor"].widget
    assert widget.attrs["data-suggestions"] == "/challenges/1/sponsor/suggestions/"
    assert widget.attrs["autocomplete"] == "off"
    # Each form has its own: the suggestions of one work are not another's.
    other = SponsorForm(suggestions="/lab/projects/2/sponsor/suggestions/")
    assert other.fields["sponsor"].widget.attrs["data-suggestions"] == "/lab/projects/2/sponsor/suggestions/"
    assert widget.attrs["data-suggestions"] == "/challenges/1/sponsor/suggestions/"


# The pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def rendered(monkeypatch, rf):
    """What render_page gives the template: (request, template, context)."""
    seen = {}

    def render(request, template, context):
        seen.update(request=request, template=template, context=context)
        return "page"

    monkeypatch.setattr("ponte.core.sponsorship.render", render)
    return seen


@pytest.mark.parametrize("page", ["ask", "answer"])
def test_a_page_is_the_shared_template_with_the_modules_words(rendered, rf, sponsor, page):
    work = work_in(Sponsorship.ASKED, sponsor)
    request = rf.get("/")
    form = AnswerForm()
    result = sponsorship.render_page(
        request,
        work,
        page=page,
        form=form,
        heading="Sponsor the work?",
        owner="Agency",
        crumbs="crumbs.html",
        intro="Please.",
        extra=1,
    )
    assert result == "page"
    assert rendered["template"] == f"core/sponsorship/{page}.html"
    context = rendered["context"]
    assert context["form"] is form and context["extra"] == 1
    assert (context["heading"], context["owner"], context["crumbs"], context["intro"]) == (
        "Sponsor the work?",
        "Agency",
        "crumbs.html",
        "Please.",
    )
    assert context["work_title"] == work.title and context["work_url"] == work.get_absolute_url()
    assert (context["declined_by"], context["declined_note"]) == ("", "")


def test_after_a_decline_the_page_says_who_declined_and_why(rendered, rf, sponsor):
    work = work_in(Sponsorship.DECLINED, sponsor, note="Not this year.")
    sponsorship.render_page(rf.get("/"), work, page="ask", form=None, heading="", owner="", crumbs="")
    assert (rendered["context"]["declined_by"], rendered["context"]["declined_note"]) == (
        "Sofia Sponsor",
        "Not this year.",
    )
    unnamed = UserFactory(name="", email="no.name@example.com", is_sponsor=True)
    work = work_in(Sponsorship.DECLINED, unnamed, note="No.")
    sponsorship.render_page(rf.get("/"), work, page="ask", form=None, heading="", owner="", crumbs="")
    assert rendered["context"]["declined_by"] == "no.name@example.com"
