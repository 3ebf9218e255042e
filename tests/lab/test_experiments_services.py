"""Experiments through the services: a project's team writes the card, starts the experiment
(pre-registering its plan, frozen and audited), changes the plan only with a reason kept as a
dated deviation, brings results from a file or from each group's summary (analysed against the
registered plan, a bad file refused whole with its line named) and concludes, telling the
sponsor; anyone else, or any other state, is refused. The statistics themselves are checked in
test_statistics.py."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.core.models import AuditEvent, Notification
from ponte.core.versions import StaleEdit
from ponte.lab import analysis, statistics
from ponte.lab.analysis import RESULTS_FILE_LIMIT
from ponte.lab.models import (
    EXPERIMENT_NEEDED,
    PLAN_FIELDS,
    Deviation,
    Experiment,
    ExperimentStatus,
    ProjectStatus,
)
from ponte.lab.services import experiments as services
from tests.factories import MembershipFactory, UserFactory

from .conftest import ask, decide, start

pytestmark = pytest.mark.django_db

# A complete card: a reminder by text message against the usual letter, attendance the metric.
CARD = {
    "title": "A text message the day before the appointment",
    "summary": "People booked at the town hall get a reminder by text message the day before.",
    "problem": "One appointment in three is missed, and the slot is lost for everyone.",
    "solution": "A reminder the day before lets people come, or cancel in time for someone else.",
    "tested": "A text message sent at 10:00 the day before, to half of the people booked.",
    "learning": "Whether a reminder raises attendance enough to pay for the messages.",
    "implementers": "The front office and the city's text message provider.",
    "budget": Decimal("12000.00"),
    "resources": "The booking system's list of appointments.",
    "hypothesis": "A reminder by text message raises attendance.",
    "metric_name": "attended",
    "metric_kind": "proportion",
    "baseline": 60.0,
    "metric_sd": None,
    "min_effect": 5.0,
    "design": "ab",
    "control_name": "letter",
    "treatment_name": "sms",
    "treatment_share": 50.0,
    "alpha": 0.05,
    "power": 0.8,
    "planned_per_group": 2000,
    "duration_weeks": 13,
    "analysis_plan": "Attendance in each group, compared with a two-proportion z-test.",
}
# The same experiment measured by a mean: minutes waited at the counter, to be cut by 3.
MEAN_CARD = {
    **CARD,
    "metric_name": "minutes waited",
    "metric_kind": "mean",
    "baseline": 30.0,
    "metric_sd": 10.0,
    "min_effect": -3.0,
}
REASON_NEEDED = "Say why the plan changes after it was registered: the change is shown as a deviation."
NO_NUL = "The text contains characters that are not allowed."


def needed(name) -> list[str]:
    return [str(EXPERIMENT_NEEDED[name])]


def audit_rows(obj, verb=None):
    rows = AuditEvent.objects.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    return rows.filter(verb=verb) if verb else rows


def told(kind):
    return sorted(n.recipient.email for n in Notification.objects.filter(kind=kind))


def write(actor, project, **changes) -> Experiment:
    """An experiment written through the service with the complete card unless changed."""
    return services.experiment_create(actor=actor, project=project, **{**CARD, **changes})


def started(actor, project, **changes) -> Experiment:
    """An experiment written with the card (unless changed) and started: its plan registered."""
    experiment = write(actor, project, **changes)
    services.experiment_start(actor=actor, experiment=experiment)
    experiment.refresh_from_db()
    return experiment


def edit(actor, experiment, *, reason="", seen=None, **changes):
    """A save of the whole card as the edit form sends it, with these changes, from a page
    showing the experiment's current version unless `seen` says otherwise."""
    values = {**{name: getattr(experiment, name) for name in CARD}, **changes}
    seen = experiment.version if seen is None else seen
    return services.experiment_update(actor=actor, experiment=experiment, seen_version=seen, reason=reason, **values)


def results_csv(groups: dict[str, list], header=("group", "attended"), delimiter=",") -> bytes:
    """A results file: one row per unit, each group's units in turn (a unit is a value, or a
    tuple of values for several metrics)."""
    lines = [delimiter.join(header)]
    for group, units in groups.items():
        for unit in units:
            values = unit if isinstance(unit, tuple) else (unit,)
            lines.append(delimiter.join([group, *(str(value) for value in values)]))
    return ("\n".join(lines) + "\n").encode()


def attendance(attended: int, missed: int) -> list[int]:
    return [1] * attended + [0] * missed


# What the good files hold: 60 of 100 attended after a letter, 72 of 100 after a text message.
GOOD = results_csv({"letter": attendance(60, 40), "sms": attendance(72, 28)})


def upload(actor, experiment, data=GOOD, name="results.csv"):
    services.results_from_file(actor=actor, experiment=experiment, name=name, data=data)
    experiment.refresh_from_db()
    return experiment.results


@pytest.fixture
def colleague(organisation):
    """A second member of the project's team."""
    return MembershipFactory(organisation=organisation, user__name="Cora Colleague").user


@pytest.fixture
def project(accepted, programme_manager, sponsor, member, colleague):
    """The member's project, the member and a colleague its team."""
    return start(programme_manager, accepted, sponsor=sponsor, team=[member, colleague])


@pytest.fixture
def experiment(project, member):
    """A draft experiment, its card complete."""
    return write(member, project)


@pytest.fixture
def running(project, member):
    """An experiment started: its plan pre-registered."""
    return started(member, project)


# Writing the card ----------------------------------------------------------------------------------


def test_a_team_member_writes_a_draft_that_may_leave_answers_for_later(project, member):
    experiment = services.experiment_create(
        actor=member, project=project, title="  Reminders by text message ", summary="", baseline=None
    )

    experiment = Experiment.objects.get()
    assert (experiment.project, experiment.created_by) == (project, member)
    assert experiment.title == "Reminders by text message"
    assert experiment.status == ExperimentStatus.DRAFT and experiment.registration == {}
    assert experiment.version == 1 and experiment.results is None
    [event] = audit_rows(experiment)
    assert (event.verb, event.actor, event.after) == (
        "create",
        member,
        {"title": "Reminders by text message", "version": 1},
    )


def test_the_card_is_kept_as_written(project, member):
    experiment = write(member, project)
    experiment.refresh_from_db()
    assert {name: getattr(experiment, name) for name in CARD} == CARD


@pytest.mark.parametrize("who", ["colleague in the body, not on the team", "programme_manager", "sponsor", "citizen"])
def test_only_the_projects_team_writes_an_experiment(request, project, organisation, who):
    if who == "colleague in the body, not on the team":
        person = MembershipFactory(organisation=organisation).user
    else:
        person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        write(person, project)
    assert not Experiment.objects.exists()


@pytest.mark.parametrize("title", ["", "   \n "])
def test_an_experiment_needs_a_title(project, member, title):
    with pytest.raises(ValidationError) as refused:
        services.experiment_create(actor=member, project=project, title=title)
    assert refused.value.message_dict == {"title": needed("title")}
    assert not Experiment.objects.exists()


def test_an_experiment_without_any_title_given_is_refused(project, member):
    with pytest.raises(ValidationError):
        services.experiment_create(actor=member, project=project, summary="Reminders")
    assert not Experiment.objects.exists()


@pytest.mark.parametrize("name", ["treatment_share", "alpha", "power"])
def test_a_draft_without_its_split_significance_or_power_is_refused_with_what_to_give(project, member, name):
    with pytest.raises(ValidationError) as refused:
        write(member, project, **{name: None})
    assert refused.value.message_dict == {name: needed(name)}


# What the card accepts -----------------------------------------------------------------------------

THE_EFFECT_STAYS_IN_BOUNDS = "The baseline plus the effect must stay between 0 and 100 %."


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"metric_kind": "proportion", "baseline": -0.1}, "baseline", None),
        ({"metric_kind": "proportion", "baseline": 100.1}, "baseline", None),
        ({"min_effect": 0.0}, "min_effect", None),
        ({"metric_kind": "proportion", "baseline": 98.0, "min_effect": 5.0}, "min_effect", THE_EFFECT_STAYS_IN_BOUNDS),
        ({"metric_kind": "proportion", "baseline": 3.0, "min_effect": -5.0}, "min_effect", THE_EFFECT_STAYS_IN_BOUNDS),
        ({"metric_sd": 0.0}, "metric_sd", None),
        ({"metric_sd": -2.5}, "metric_sd", None),
        ({"control_name": "sms", "treatment_name": "sms"}, "treatment_name", None),
        ({"control_name": " sms ", "treatment_name": "sms"}, "treatment_name", None),
        ({"alpha": 0.0009}, "alpha", None),
        ({"alpha": 0.21}, "alpha", None),
        ({"power": 0.49}, "power", None),
        ({"power": 1.0}, "power", None),
        ({"treatment_share": 0.5}, "treatment_share", None),
        ({"treatment_share": 99.5}, "treatment_share", None),
        ({"planned_per_group": 1}, "planned_per_group", None),
        ({"planned_per_group": 10_000_001}, "planned_per_group", None),
        ({"duration_weeks": 0}, "duration_weeks", None),
        ({"duration_weeks": 261}, "duration_weeks", None),
        ({"budget": Decimal("-0.01")}, "budget", None),
        ({"budget": services.MAX_BUDGET + Decimal("0.01")}, "budget", None),
        ({"metric_kind": "median"}, "metric_kind", None),
        ({"design": "cohort"}, "design", None),
        ({"title": "Reminders\x00"}, "title", NO_NUL),
        ({"hypothesis": "Reminders \x00 work"}, "hypothesis", NO_NUL),
        ({"title": "x" * 201}, "title", "Write at most 200 characters."),
        ({"control_name": "x" * 61}, "control_name", "Write at most 60 characters."),
        ({"summary": "x" * 10_001}, "summary", "Write at most 10,000 characters."),
    ],
    ids=lambda value: repr(value)[:40] if isinstance(value, dict) else str(value),
)
def test_the_card_refuses_each_fault_beside_its_field_with_what_to_give(values, field, message):
    with pytest.raises(ValidationError) as refused:
        services.check_card(values, complete=False)
    assert refused.value.message_dict == {field: [message] if message else needed(field)}


def test_a_refused_card_saves_nothing(project, member):
    with pytest.raises(ValidationError) as refused:
        write(member, project, alpha=0.5, metric_sd=-1.0)
    assert set(refused.value.message_dict) == {"alpha", "metric_sd"}
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"metric_kind": "proportion", "baseline": 0.0, "min_effect": 5.0},
        {"metric_kind": "proportion", "baseline": 100.0, "min_effect": -100.0},
        {"metric_kind": "mean", "baseline": 250.0, "min_effect": -300.0, "metric_sd": 0.01},
        {"alpha": 0.001, "power": 0.5, "treatment_share": 1.0},
        {"alpha": 0.2, "power": 0.99, "treatment_share": 99.0},
        {"planned_per_group": 2, "duration_weeks": 1, "budget": Decimal("0")},
        {"planned_per_group": 10_000_000, "duration_weeks": 260, "budget": services.MAX_BUDGET},
        {"title": "x" * 200, "summary": "x" * 10_000},
        {"control_name": "Letter", "treatment_name": "letter"},
    ],
    ids=repr,
)
def test_the_card_accepts_values_at_its_bounds(values):
    assert services.check_card(values, complete=False) == values


def test_a_mean_has_no_bounds_on_its_baseline_or_effect_but_a_proportion_does():
    values = {"metric_kind": "mean", "baseline": 250.0, "min_effect": 40.0}
    assert services.check_card(values, complete=False) == values
    with pytest.raises(ValidationError) as refused:
        services.check_card({**values, "metric_kind": "proportion"}, complete=False)
    assert set(refused.value.message_dict) == {"baseline", "min_effect"}


# Starting: the plan pre-registered -----------------------------------------------------------------


def test_starting_an_incomplete_card_names_each_missing_answer_and_starts_nothing(project, member):
    experiment = services.experiment_create(actor=member, project=project, title="Reminders")
    with pytest.raises(ValidationError) as refused:
        services.experiment_start(actor=member, experiment=experiment)

    # The group names, the split, the significance and the power have defaults; a proportion
    # (or a metric not chosen yet) needs no standard deviation.
    missing = set(EXPERIMENT_NEEDED) - {
        "title",
        "control_name",
        "treatment_name",
        "treatment_share",
        "alpha",
        "power",
        "metric_sd",
    }
    assert refused.value.message_dict == {name: needed(name) for name in missing}
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.DRAFT
    assert experiment.registration == {} and experiment.registered_at is None
    assert not audit_rows(experiment, "pre_register").exists()


# Each answer a draft may leave empty (the title is needed from the first save; the split, the
# significance and the power always hold a value).
LEFT_FOR_LATER = [
    name
    for name in CARD
    if name in EXPERIMENT_NEEDED and name not in ("title", "metric_sd", "treatment_share", "alpha", "power")
]


@pytest.mark.parametrize("name", LEFT_FOR_LATER)
def test_starting_needs_each_answer_the_card_asks_for(project, member, name):
    blank = "" if isinstance(CARD[name], str) else None
    experiment = write(member, project, **{name: blank})
    with pytest.raises(ValidationError) as refused:
        services.experiment_start(actor=member, experiment=experiment)
    assert refused.value.message_dict == {name: needed(name)}


@pytest.mark.parametrize(
    "plan",
    [{**MEAN_CARD, "metric_sd": 1.0, "min_effect": 10.0}, {**CARD, "baseline": 0.0, "min_effect": 100.0}],
    ids=["mean, effect of ten standard deviations", "proportion from 0 to 100 %"],
)
def test_a_plan_the_card_accepts_can_be_started_whatever_the_size_of_its_effect(project, member, plan):
    services.check_card(plan, complete=True)
    assert started(member, project, **plan).status == ExperimentStatus.RUNNING


def test_existing_resources_are_not_needed_to_start(project, member):
    assert started(member, project, resources="").status == ExperimentStatus.RUNNING


def test_a_mean_needs_its_standard_deviation_to_start_a_proportion_does_not(project, member):
    mean = write(member, project, **{**MEAN_CARD, "metric_sd": None})
    with pytest.raises(ValidationError) as refused:
        services.experiment_start(actor=member, experiment=mean)
    assert refused.value.message_dict == {"metric_sd": needed("metric_sd")}

    proportion = started(member, project, metric_sd=None)
    assert proportion.status == ExperimentStatus.RUNNING


def test_starting_freezes_the_plan_with_the_sample_it_needs_and_audits_it(experiment, member):
    services.experiment_start(actor=member, experiment=experiment)

    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.RUNNING and experiment.registered_at is not None
    plan = {name: CARD[name] for name in PLAN_FIELDS}
    assert experiment.registration == {**plan, "sample_needed": analysis.sample_needed(plan)}
    assert isinstance(experiment.registration["sample_needed"], int)
    assert experiment.registration["sample_needed"] > 2
    [event] = audit_rows(experiment, "pre_register")
    assert event.actor == member and event.after == experiment.registration
    assert audit_rows(experiment, "start").get().reason == "Plan pre-registered"


def test_an_experiment_starts_once(running, member):
    registered = (running.registration, running.registered_at)
    with pytest.raises(PermissionDenied):
        services.experiment_start(actor=member, experiment=running)
    running.refresh_from_db()
    assert (running.registration, running.registered_at) == registered
    assert audit_rows(running, "pre_register").count() == 1


def test_only_the_team_starts_an_experiment(experiment, organisation, programme_manager):
    for person in (MembershipFactory(organisation=organisation).user, programme_manager):
        with pytest.raises(PermissionDenied):
            services.experiment_start(actor=person, experiment=experiment)
    experiment.refresh_from_db()
    assert experiment.status == ExperimentStatus.DRAFT


# Changing the card and the plan --------------------------------------------------------------------


def test_a_draft_plan_changes_freely_without_a_reason_or_a_deviation(experiment, colleague):
    assert "alpha" in edit(colleague, experiment, alpha=0.01, control_name="paper")
    experiment.refresh_from_db()
    assert (experiment.alpha, experiment.control_name, experiment.version) == (0.01, "paper", 2)
    assert not Deviation.objects.exists()


def test_changing_a_running_experiments_plan_without_a_reason_is_refused_and_saves_nothing(running, member):
    with pytest.raises(ValidationError) as refused:
        edit(member, running, alpha=0.1, summary="A new summary.", reason="  ")
    assert refused.value.message_dict == {"reason": [REASON_NEEDED]}

    running.refresh_from_db()
    assert (running.alpha, running.summary, running.version) == (0.05, CARD["summary"], 1)
    assert not Deviation.objects.exists()
    assert not audit_rows(running, "update").exists()


def test_each_plan_change_of_a_running_experiment_is_a_deviation_and_the_registration_stays(running, member, colleague):
    registration = dict(running.registration)
    edit(
        colleague,
        running,
        alpha=0.1,
        planned_per_group=3000,
        treatment_name="text",
        summary="Now with a second reminder.",
        reason="  The provider could only send 3,000 a week. ",
    )

    running.refresh_from_db()
    deviations = {d.field: d for d in Deviation.objects.filter(experiment=running)}
    assert {name: (d.before, d.after) for name, d in deviations.items()} == {
        "alpha": ("0.05", "0.1"),
        "planned_per_group": ("2000", "3000"),
        "treatment_name": ("sms", "text"),
    }
    for deviation in deviations.values():
        assert deviation.reason == "The provider could only send 3,000 a week."
        assert deviation.made_by == colleague and deviation.made_at is not None
    # The plan as it now stands moves on; the registration is as it was frozen.
    assert (running.alpha, running.planned_per_group, running.treatment_name) == (0.1, 3000, "text")
    assert running.summary == "Now with a second reminder."
    assert running.registration == registration
    assert running.version == 2


def test_a_deviation_from_a_value_left_empty_reads_as_empty(project, member):
    running = started(member, project, **{**MEAN_CARD, "metric_kind": "proportion", "metric_sd": None})
    edit(member, running, metric_kind="mean", metric_sd=12.5, reason="Attendance is now counted in minutes.")
    deviations = {d.field: (d.before, d.after) for d in running.deviations.all()}
    assert deviations == {"metric_kind": ("proportion", "mean"), "metric_sd": ("", "12.5")}


def test_a_running_experiments_plan_must_stay_complete(running, member):
    with pytest.raises(ValidationError) as refused:
        edit(member, running, hypothesis="", reason="No hypothesis after all.")
    assert refused.value.message_dict == {"hypothesis": needed("hypothesis")}
    assert not Deviation.objects.exists()


def test_changing_only_the_card_of_a_running_experiment_needs_no_reason_and_makes_no_deviation(running, member):
    changed = edit(member, running, summary="Reminders sent at 10:00.", budget=Decimal("9000"))
    assert set(changed) == {"summary", "budget", "version"}
    running.refresh_from_db()
    assert (running.summary, running.budget, running.version) == ("Reminders sent at 10:00.", Decimal("9000"), 2)
    assert not Deviation.objects.exists()


def test_a_stale_edit_is_refused_and_saves_nothing(running, member, colleague):
    edit(colleague, running, summary="The colleague's summary.")
    running.refresh_from_db()
    with pytest.raises(StaleEdit) as refused:
        edit(member, running, seen=1, summary="The member's summary.", alpha=0.1, reason="Stricter.")

    assert refused.value.current_version == 2
    assert [(c.field, c.who, c.now) for c in refused.value.changes] == [
        ("summary", "Cora Colleague", "The colleague's summary.")
    ]
    running.refresh_from_db()
    assert (running.summary, running.alpha, running.version) == ("The colleague's summary.", 0.05, 2)
    assert not Deviation.objects.exists()


@pytest.mark.parametrize("who", ["colleague in the body, not on the team", "programme_manager", "sponsor"])
def test_only_the_team_changes_an_experiment(request, experiment, organisation, who):
    if who == "colleague in the body, not on the team":
        person = MembershipFactory(organisation=organisation).user
    else:
        person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        edit(person, experiment, summary="Not theirs to change.")
    experiment.refresh_from_db()
    assert experiment.summary == CARD["summary"]


# Results from a file ------------------------------------------------------------------------------


def test_a_results_file_is_analysed_and_kept_with_its_source(running, member):
    results = upload(member, running, name="attendance-june.csv")

    [metric] = results["metrics"]
    assert (metric["name"], metric["kind"], metric["primary"]) == ("attended", "proportion", True)
    assert (metric["control"]["n"], metric["treatment"]["n"]) == (100, 100)
    assert metric["control"]["value"] == pytest.approx(0.60)
    assert metric["treatment"]["value"] == pytest.approx(0.72)
    assert metric["difference"] == pytest.approx(0.12)
    assert metric["test"] == "two_proportions"
    assert metric["p_adjusted"] == metric["p"]  # one metric: nothing to correct
    assert (results["source"], results["file_name"], results["rows"]) == ("file", "attendance-june.csv", 200)
    assert results["srm"]["broken"] is False and results["srm"]["expected_share"] == 0.5
    running.refresh_from_db()
    assert running.results_at is not None
    [event] = audit_rows(running, "record_results")
    assert event.actor == member
    assert event.after["difference"] == pytest.approx(0.12) and event.after["p"] == metric["p"]
    assert not Notification.objects.filter(kind="lab.split_broken").exists()


def test_results_are_analysed_against_the_registered_plan_not_the_deviated_one(running, member):
    # 60 % against 72 %: p is about 0.07, significant at 0.1 but not at the registered 0.05.
    edit(
        member,
        running,
        alpha=0.1,
        control_name="paper",
        treatment_name="text",
        metric_name="came",
        reason="The provider renamed the groups; we accept more risk.",
    )
    results = upload(member, running)

    [metric] = results["metrics"]
    assert results["alpha"] == 0.05
    assert metric["name"] == "attended"  # the file's column, not the deviated name
    assert 0.05 < metric["p_adjusted"] < 0.1
    assert metric["significant"] is False
    # The groups are still the registered ones: a file naming the new ones is refused.
    with pytest.raises(ValidationError) as refused:
        upload(member, running, results_csv({"paper": attendance(3, 3), "text": attendance(3, 3)}))
    assert refused.value.message_dict == {
        "file": ["Line 2: “paper” is not a group of the plan, which compares “letter” and “sms”."]
    }


def test_the_registered_metric_kind_decides_how_a_file_is_read(running, member):
    edit(member, running, metric_kind="mean", metric_sd=0.5, reason="Counted as a mean now.")
    with pytest.raises(ValidationError) as refused:
        upload(member, running, results_csv({"letter": [1, 0, 0.5], "sms": [1, 1, 0]}))
    assert "Line 4: the primary metric “attended” is a proportion" in refused.value.message_dict["file"][0]


def test_several_metrics_in_a_file_get_holm_corrected_p_values(running, member):
    letter = [(attended, minutes) for attended, minutes in zip(attendance(30, 20), [12, 14, 15, 16, 18] * 10)]
    sms = [(attended, minutes) for attended, minutes in zip(attendance(38, 12), [11, 13, 15, 16, 17] * 10)]
    results = upload(
        member, running, results_csv({"letter": letter, "sms": sms}, header=("group", "attended", "minutes"))
    )

    primary, minutes = results["metrics"]
    assert (primary["name"], primary["primary"], primary["kind"]) == ("attended", True, "proportion")
    assert (minutes["name"], minutes["primary"], minutes["kind"]) == ("minutes", False, "mean")
    raw = [primary["p"], minutes["p"]]
    assert [primary["p_adjusted"], minutes["p_adjusted"]] == statistics.holm(raw)
    assert min(raw) < min(primary["p_adjusted"], minutes["p_adjusted"])  # the smallest p is corrected upwards
    for metric in (primary, minutes):
        assert metric["significant"] == (metric["p_adjusted"] < 0.05)


def test_a_broken_split_of_an_ab_test_is_flagged_and_told_to_the_team(running, member, colleague, sponsor):
    results = upload(member, running, results_csv({"letter": attendance(60, 40), "sms": attendance(140, 60)}))

    assert results["srm"]["broken"] is True and results["srm"]["p"] < 0.001
    assert told("lab.split_broken") == sorted([member.email, colleague.email])
    note = Notification.objects.filter(kind="lab.split_broken").first()
    assert note.url == running.get_absolute_url() and note.params == {"experiment": CARD["title"]}


def test_a_comparison_group_design_has_no_planned_split_to_check(project, member):
    comparison = started(member, project, design="comparison")
    results = upload(member, comparison, results_csv({"letter": attendance(60, 40), "sms": attendance(140, 60)}))
    assert results["srm"] is None
    assert not Notification.objects.filter(kind="lab.split_broken").exists()


def test_a_file_separated_by_semicolons_is_read_with_decimal_commas(running, member):
    data = b"group;attended;minutes\nletter;1;12,5\nletter;0;14,5\nletter;1;13,0\nsms;1;11,0\nsms;1;10,5\nsms;0;12,0\n"
    results = upload(member, running, data)
    primary, minutes = results["metrics"]
    assert (primary["control"]["n"], primary["treatment"]["n"]) == (3, 3)
    assert minutes["control"]["value"] == pytest.approx(13.333333)
    assert minutes["treatment"]["value"] == pytest.approx(11.166667)


def test_a_file_with_a_byte_order_mark_and_windows_line_ends_is_read(running, member):
    data = b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n")
    results = upload(member, running, data)
    assert results["rows"] == 200


def test_a_file_with_carriage_returns_alone_as_line_ends_is_read(running, member):
    results = upload(member, running, GOOD.replace(b"\n", b"\r"))
    assert results["rows"] == 200


def test_recording_again_replaces_the_analysis_and_keeps_each_recording_audited(running, member):
    upload(member, running)
    results = upload(member, running, results_csv({"letter": attendance(5, 5), "sms": attendance(9, 1)}))
    assert results["rows"] == 20
    assert audit_rows(running, "record_results").count() == 2


GOOD_ROWS = "group,attended\nletter,1\nletter,0\nsms,1\nsms,0\n"

BAD_FILES = [
    ("a row without its group", GOOD_ROWS + ",1\n", "Line 6 has no group."),
    (
        "a group the plan does not name",
        GOOD_ROWS + "email,1\n",
        "Line 6: “email” is not a group of the plan, which compares “letter” and “sms”.",
    ),
    ("an outcome that is no number", GOOD_ROWS + "sms,yes\n", "Line 6: “yes” in column “attended” is not a number."),
    ("an empty value", GOOD_ROWS + "sms,\n", "Line 6 has no value for “attended”."),
    (
        "a proportion of one half",
        GOOD_ROWS + "letter,0.5\n",
        "Line 6: the primary metric “attended” is a proportion, so each value is 0 or 1, not “0.5”.",
    ),
    (
        "one group only",
        "group,attended\nletter,1\nletter,0\nletter,1\n",
        "The file holds only the group “letter”: the plan compares “letter” with “sms”.",
    ),
    (
        "a single row",
        "group,attended\nletter,1\n",
        "The file holds 1 row of results: the analysis needs at least two in each group.",
    ),
    (
        "a group of a single row",
        "group,attended\nletter,1\nletter,0\nsms,1\n",
        "The group “sms” has a single row: each group needs at least two.",
    ),
    (
        "a header of one column",
        "group\nletter\nsms\n",
        "Line 1 must name the columns: the group first, then each metric, the primary metric (attended) first.",
    ),
    ("a row with a value too many", GOOD_ROWS + "sms,1,3\n", "Line 6 holds 3 values; line 1 names 2 columns."),
    (
        "a row with a value too few",
        "group,attended,minutes\nletter,1\n",
        "Line 2 holds 2 values; line 1 names 3 columns.",
    ),
    (
        "an outcome of infinity",
        GOOD_ROWS + "sms,inf\n",
        "Line 6: “inf” in column “attended” is not a number.",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_FILES, ids=[case for case, *_ in BAD_FILES])
def test_a_bad_file_is_refused_whole_naming_its_line_and_nothing_is_kept(running, member, case, text, message):
    with pytest.raises(ValidationError) as refused:
        upload(member, running, text.encode())
    assert refused.value.message_dict == {"file": [message]}
    running.refresh_from_db()
    assert running.results is None and running.results_at is None
    assert not audit_rows(running, "record_results").exists()
    assert not Notification.objects.filter(kind="lab.split_broken").exists()


def test_a_file_not_in_utf8_is_refused_naming_the_line(running, member):
    data = "group,attended\nletter,1\ncafé,1\n".encode("latin-1")
    with pytest.raises(ValidationError) as refused:
        upload(member, running, data)
    assert refused.value.message_dict == {
        "file": ["Line 3 is not in UTF-8: save the file as “CSV UTF-8” and upload it again."]
    }
    running.refresh_from_db()
    assert running.results is None


def test_a_file_with_nul_bytes_is_refused_naming_the_line(running, member):
    with pytest.raises(ValidationError) as refused:
        upload(member, running, b"group,attended\nletter,1\nsms\x00,1\n")
    assert refused.value.message_dict == {
        "file": ["Line 3 holds characters a CSV file does not: save the file as “CSV UTF-8”."]
    }
    running.refresh_from_db()
    assert running.results is None


def test_a_file_over_the_limit_is_refused_before_it_is_read(running, member):
    data = bytes(RESULTS_FILE_LIMIT + 1)  # zeros: read, they would be refused for their NUL bytes
    with pytest.raises(ValidationError) as refused:
        upload(member, running, data)
    [message] = refused.value.message_dict["file"]
    assert "a results file may hold at most 20.0 MB" in message
    running.refresh_from_db()
    assert running.results is None


def test_a_bad_file_after_good_results_keeps_the_good_ones(running, member):
    kept = upload(member, running)
    with pytest.raises(ValidationError):
        upload(member, running, (GOOD_ROWS + "email,1\n").encode())
    running.refresh_from_db()
    assert running.results == kept
    assert audit_rows(running, "record_results").count() == 1


def test_results_are_recorded_only_while_the_experiment_runs_and_by_its_team(experiment, running, organisation):
    with pytest.raises(PermissionDenied):
        upload(running.created_by, experiment)  # a draft has no registered plan to read results against
    for person in (MembershipFactory(organisation=organisation).user, UserFactory(is_programme_manager=True)):
        with pytest.raises(PermissionDenied):
            upload(person, running)
    running.refresh_from_db()
    assert running.results is None


# Results from each group's summary -----------------------------------------------------------------


def test_a_proportions_summaries_are_analysed_against_the_registration(running, member):
    services.results_from_summaries(
        actor=member, experiment=running, control={"n": 1000, "successes": 600}, treatment={"n": 1000, "successes": 660}
    )
    running.refresh_from_db()
    results = running.results
    [metric] = results["metrics"]
    assert (metric["name"], metric["kind"], metric["test"]) == ("attended", "proportion", "two_proportions")
    assert (metric["control"]["n"], metric["treatment"]["n"]) == (1000, 1000)
    assert (metric["control"]["value"], metric["treatment"]["value"]) == pytest.approx((0.6, 0.66))
    assert metric["significant"] is True
    assert (results["source"], results["rows"], results["file_name"]) == ("summaries", None, "")
    assert results["srm"]["broken"] is False
    assert audit_rows(running, "record_results").get().after["source"] == "summaries"


def test_a_means_summaries_are_analysed_with_welchs_test(project, member):
    running = started(member, project, **MEAN_CARD)
    services.results_from_summaries(
        actor=member,
        experiment=running,
        control={"n": 50, "mean": 30.0, "sd": 10.0},
        treatment={"n": 50, "mean": 25.0, "sd": 9.0},
    )
    running.refresh_from_db()
    [metric] = running.results["metrics"]
    assert (metric["name"], metric["kind"], metric["test"]) == ("minutes waited", "mean", "welch")
    assert metric["difference"] == pytest.approx(-5.0)
    assert (metric["control"]["sd"], metric["treatment"]["sd"]) == (10.0, 9.0)


@pytest.mark.parametrize(
    ("card", "control", "treatment", "errors"),
    [
        (CARD, {"n": 1, "successes": 1}, {"n": 100, "successes": 50}, {"control_n"}),
        (CARD, {"n": None, "successes": 1}, {"n": 100, "successes": 50}, {"control_n"}),
        (CARD, {"n": 100, "successes": 50}, {"n": 100, "successes": 101}, {"treatment_successes"}),
        (
            CARD,
            {"n": 100, "successes": -1},
            {"n": 100, "successes": None},
            {"control_successes", "treatment_successes"},
        ),
        (MEAN_CARD, {"n": 50, "mean": 30.0, "sd": -1.0}, {"n": 50, "mean": 25.0, "sd": 9.0}, {"control_sd"}),
        (
            MEAN_CARD,
            {"n": 50, "mean": None, "sd": 1.0},
            {"n": 0, "mean": 25.0, "sd": 9.0},
            {"control_mean", "treatment_n"},
        ),
    ],
    ids=["n of one", "no n", "more successes than units", "negative and missing successes", "negative sd", "no mean"],
)
def test_bad_summaries_are_refused_beside_their_field_and_nothing_is_kept(
    project, member, card, control, treatment, errors
):
    running = started(member, project, **card)
    with pytest.raises(ValidationError) as refused:
        services.results_from_summaries(actor=member, experiment=running, control=control, treatment=treatment)
    assert set(refused.value.message_dict) == errors
    running.refresh_from_db()
    assert running.results is None
    assert not audit_rows(running, "record_results").exists()


# Concluding ---------------------------------------------------------------------------------------


def conclude(actor, experiment, conclusion="supported", learned="Reminders raise attendance by twelve points."):
    services.experiment_conclude(actor=actor, experiment=experiment, conclusion=conclusion, learned=learned)
    experiment.refresh_from_db()
    return experiment


def test_an_experiment_is_concluded_only_once_it_has_results(running, member):
    with pytest.raises(PermissionDenied):
        conclude(member, running)
    assert running.status == ExperimentStatus.RUNNING


def test_concluding_needs_a_valid_conclusion_and_what_was_learned(running, member, sponsor):
    upload(member, running)
    with pytest.raises(ValidationError) as refused:
        conclude(member, running, conclusion="maybe", learned="  ")
    assert refused.value.message_dict == {
        "conclusion": ["Choose the conclusion: supported, not supported or inconclusive."],
        "learned": ["Write what was learned: others build on it."],
    }
    with pytest.raises(ValidationError) as refused:
        conclude(member, running, learned="We learned \x00 something.")
    assert refused.value.message_dict == {"learned": [NO_NUL]}
    running.refresh_from_db()
    assert running.status == ExperimentStatus.RUNNING and running.conclusion == ""
    assert not Notification.objects.filter(kind="lab.experiment_concluded").exists()


def test_concluding_records_what_was_learned_and_tells_the_sponsor(running, member, sponsor):
    upload(member, running)
    concluded = conclude(member, running, "not_supported", "  Letters work as well as texts. ")

    assert concluded.status == ExperimentStatus.CONCLUDED and concluded.concluded_at is not None
    assert (concluded.conclusion, concluded.learned) == ("not_supported", "Letters work as well as texts.")
    assert told("lab.experiment_concluded") == [sponsor.email]
    note = Notification.objects.get(kind="lab.experiment_concluded")
    assert note.url == running.get_absolute_url()
    assert note.params == {"experiment": CARD["title"], "conclusion": "Hypothesis not supported"}
    assert audit_rows(running, "conclude").get().reason == "Letters work as well as texts."


def test_nothing_changes_after_the_conclusion(running, member):
    upload(member, running)
    concluded = conclude(member, running)
    before = Experiment.objects.filter(pk=concluded.pk).values().get()

    with pytest.raises(PermissionDenied):
        edit(member, concluded, summary="Rewritten afterwards.")
    with pytest.raises(PermissionDenied):
        edit(member, concluded, alpha=0.1, reason="Afterwards.")
    with pytest.raises(PermissionDenied):
        upload(member, concluded, results_csv({"letter": attendance(1, 9), "sms": attendance(9, 1)}))
    with pytest.raises(PermissionDenied):
        services.results_from_summaries(
            actor=member, experiment=concluded, control={"n": 10, "successes": 1}, treatment={"n": 10, "successes": 9}
        )
    with pytest.raises(PermissionDenied):
        conclude(member, concluded, "inconclusive", "Second thoughts.")
    with pytest.raises(PermissionDenied):
        services.experiment_start(actor=member, experiment=concluded)

    assert Experiment.objects.filter(pk=concluded.pk).values().get() == before
    assert not Deviation.objects.exists()
    assert Notification.objects.filter(kind="lab.experiment_concluded").count() == 1


def test_only_the_team_concludes(running, member, sponsor, programme_manager):
    upload(member, running)
    for person in (sponsor, programme_manager):
        with pytest.raises(PermissionDenied):
            conclude(person, running)
    running.refresh_from_db()
    assert running.status == ExperimentStatus.RUNNING


# A stopped project ---------------------------------------------------------------------------------


def test_a_stopped_projects_experiments_cannot_be_changed(project, member, sponsor):
    from ponte.lab.services import projects as project_services

    draft = write(member, project, title="Reminders, second round")
    running = started(member, project)
    upload(member, running)
    project_services.sponsorship_answer(actor=sponsor, project=project, accept=True)
    ask(member, project, stop=True, lessons="The city is changing its booking system.")
    decide(sponsor, project, "go")
    assert project.status == ProjectStatus.STOPPED

    with pytest.raises(PermissionDenied):
        write(member, project, title="A third round")
    with pytest.raises(PermissionDenied):
        edit(member, draft, summary="Still working on it.")
    with pytest.raises(PermissionDenied):
        services.experiment_start(actor=member, experiment=draft)
    with pytest.raises(PermissionDenied):
        edit(member, running, summary="Still running?")
    with pytest.raises(PermissionDenied):
        upload(member, running)
    with pytest.raises(PermissionDenied):
        conclude(member, running)
    draft.refresh_from_db()
    running.refresh_from_db()
    assert draft.status == ExperimentStatus.DRAFT and draft.summary == CARD["summary"]
    assert running.status == ExperimentStatus.RUNNING and running.summary == CARD["summary"]
    assert Experiment.objects.count() == 2
