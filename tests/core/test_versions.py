"""The version check of edit forms two people can hold at once (ponte.core.versions): a save
from a page showing an older version is refused with what changed since — each field, who
saved it, and its value as it now stands — and writes nothing; a current save moves the
version on in the same audit record; a save that changes nothing leaves it. A lab experiment
is the versioned object, as it is the first to use the check."""

import pytest
from django.contrib.contenttypes.models import ContentType

from ponte.core.models import AuditEvent
from ponte.core.versions import StaleEdit, update_seen
from ponte.lab.models import Experiment
from ponte.lab.services import experiments as experiment_services
from ponte.lab.services import problems as problem_services
from tests.factories import MembershipFactory, UserFactory
from tests.lab.conftest import start, submit

pytestmark = pytest.mark.django_db


def events(obj):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    ).order_by("created_at", "pk")


@pytest.fixture
def colleague(organisation):
    return MembershipFactory(organisation=organisation, user__name="Cora Colleague").user


@pytest.fixture
def experiment(organisation, member, colleague, programme_manager):
    """A draft experiment of a project whose team is the member and a colleague."""
    problem = submit(member, organisation)
    problem_services.problem_accept(actor=programme_manager, problem=problem)
    project = start(programme_manager, problem, sponsor=UserFactory(is_sponsor=True), team=[member, colleague])
    return experiment_services.experiment_create(
        actor=member, project=project, title="Reminders by text message", summary="A reminder the day before."
    )


def fresh(experiment) -> Experiment:
    return Experiment.objects.get(pk=experiment.pk)


def test_a_new_object_starts_at_version_one(experiment):
    assert fresh(experiment).version == 1


def test_a_current_save_is_written_and_moves_the_version_on(experiment, member):
    changed = update_seen(experiment, 1, {"title": "Text reminders", "summary": "Sent at 10:00."}, actor=member)

    assert set(changed) == {"title", "summary", "version"}
    saved = fresh(experiment)
    assert (saved.title, saved.summary, saved.version) == ("Text reminders", "Sent at 10:00.", 2)
    update_seen(saved, 2, {"summary": "Sent at 9:00."}, actor=member)
    assert fresh(experiment).version == 3


def test_the_audit_record_of_a_save_carries_the_new_version(experiment, member):
    update_seen(experiment, 1, {"title": "Text reminders"}, actor=member)

    event = events(experiment).last()
    assert (event.verb, event.actor, event.actor_label) == ("update", member, "Manuel Member")
    assert event.before == {"title": "Reminders by text message", "version": 1}
    assert event.after == {"title": "Text reminders", "version": 2}


def test_a_save_that_changes_nothing_leaves_the_version_and_the_trail_alone(experiment, member):
    recorded = events(experiment).count()

    changed = update_seen(
        experiment, 1, {"title": "Reminders by text message", "summary": "A reminder the day before."}, actor=member
    )

    assert changed == []
    assert fresh(experiment).version == 1
    assert events(experiment).count() == recorded


def test_a_stale_save_is_refused_with_each_field_changed_since_who_changed_it_and_its_value_now(
    experiment, member, colleague
):
    # The member opened the page at version 1; the colleague saved twice since.
    update_seen(experiment, 1, {"title": "Text reminders", "summary": "Sent at 10:00."}, actor=colleague)
    update_seen(fresh(experiment), 2, {"summary": "Sent at 9:00."}, actor=colleague)
    recorded = events(experiment).count()

    with pytest.raises(StaleEdit) as refused:
        update_seen(fresh(experiment), 1, {"title": "My title", "summary": "My summary"}, actor=member)

    assert refused.value.current_version == 3
    # The last change first, each field once, as it now stands.
    assert [(c.field, c.who, c.now) for c in refused.value.changes] == [
        ("summary", "Cora Colleague", "Sent at 9:00."),
        ("title", "Cora Colleague", "Text reminders"),
    ]
    last, first = events(experiment).reverse()[:2]
    assert [c.when for c in refused.value.changes] == [last.created_at, first.created_at]
    # Nothing written.
    saved = fresh(experiment)
    assert (saved.title, saved.summary, saved.version) == ("Text reminders", "Sent at 9:00.", 3)
    assert events(experiment).count() == recorded


def test_a_stale_save_lists_only_what_changed_after_the_version_seen(experiment, member, colleague):
    update_seen(experiment, 1, {"title": "Text reminders"}, actor=member)
    update_seen(fresh(experiment), 2, {"summary": "Sent at 9:00."}, actor=colleague)

    with pytest.raises(StaleEdit) as refused:
        update_seen(fresh(experiment), 2, {"title": "Another title"}, actor=member)

    assert [(c.field, c.who, c.now) for c in refused.value.changes] == [("summary", "Cora Colleague", "Sent at 9:00.")]


def test_a_stale_save_that_would_change_nothing_is_refused_too(experiment, member, colleague):
    update_seen(experiment, 1, {"title": "Text reminders"}, actor=colleague)
    with pytest.raises(StaleEdit):
        update_seen(fresh(experiment), 1, {"title": "Text reminders"}, actor=member)


def test_after_a_refusal_the_save_made_knowingly_from_the_current_version_goes_through(experiment, member, colleague):
    update_seen(experiment, 1, {"summary": "Sent at 10:00."}, actor=colleague)
    with pytest.raises(StaleEdit) as refused:
        update_seen(fresh(experiment), 1, {"summary": "Sent at 9:00."}, actor=member)

    update_seen(fresh(experiment), refused.value.current_version, {"summary": "Sent at 9:00."}, actor=member)

    saved = fresh(experiment)
    assert (saved.summary, saved.version) == ("Sent at 9:00.", 3)
