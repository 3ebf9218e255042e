"""Core's service helpers, which every module's services use: an update writes only what
changed and audits it once with before and after; typed text is judged the same way
everywhere."""

import pytest
from django.core.exceptions import ValidationError

from ponte.core.models import AuditEvent
from ponte.core.services import clean_text, update
from ponte.reference.models import SectorTag
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(obj):
    return AuditEvent.objects.filter(target_id=str(obj.pk), verb="update")


def test_an_update_audits_each_changed_field_before_and_after_and_only_those():
    organisation = OrganisationFactory(city="Lisboa", website="https://ama.example")
    editor = UserFactory()
    changed = update(organisation, {"city": "Porto", "website": "https://ama.example"}, actor=editor)
    assert changed == ["city"]
    event = events(organisation).get()
    assert (event.actor, event.before, event.after) == (editor, {"city": "Lisboa"}, {"city": "Porto"})
    organisation.refresh_from_db()
    assert organisation.city == "Porto"


def test_an_update_that_changes_nothing_saves_and_audits_nothing():
    organisation = OrganisationFactory(city="Lisboa")
    stamp = organisation.updated_at
    assert update(organisation, {"city": "Lisboa"}, actor=UserFactory()) == []
    organisation.refresh_from_db()
    assert organisation.updated_at == stamp and not events(organisation).exists()


def test_a_relation_is_audited_by_what_it_held_and_holds():
    health, tax = SectorTag.objects.get_or_create(code="health")[0], SectorTag.objects.get_or_create(code="tax")[0]
    organisation = OrganisationFactory()
    organisation.sectors.set([health])
    changed = update(organisation, {}, actor=UserFactory(), relations={"sectors": [tax, health]})
    assert changed == ["sectors"]
    event = events(organisation).get()
    assert event.before == {"sectors": [str(health)]}
    assert event.after == {"sectors": sorted([str(health), str(tax)])}
    assert set(organisation.sectors.all()) == {health, tax}


def test_what_the_caller_wrote_itself_joins_the_same_record():
    organisation = OrganisationFactory(city="Lisboa")
    update(organisation, {"city": "Porto"}, actor=UserFactory(), written={"criteria": (["a"], ["b"])})
    event = events(organisation).get()
    assert event.before == {"city": "Lisboa", "criteria": ["a"]}
    assert event.after == {"city": "Porto", "criteria": ["b"]}


def test_a_check_that_refuses_leaves_the_row_and_the_trail_untouched():
    organisation = OrganisationFactory(city="Lisboa")

    def refuse(candidate):
        assert candidate.city == "Porto"  # the check sees the new values
        raise ValidationError({"city": ["Not this city."]})

    with pytest.raises(ValidationError):
        update(organisation, {"city": "Porto"}, actor=UserFactory(), check=refuse)
    organisation.refresh_from_db()
    assert organisation.city == "Lisboa" and not events(organisation).exists()


def test_an_update_the_caller_records_itself_is_not_audited_twice():
    organisation = OrganisationFactory(city="Lisboa")
    assert update(organisation, {"city": "Porto"}, actor=UserFactory(), audited=False) == ["city"]
    assert not events(organisation).exists()


@pytest.mark.parametrize(
    ("typed", "required", "message"),
    [
        ("   ", "Say why.", "Say why."),
        (None, "Say why.", "Say why."),
        ("road\x00works", "", "The text contains characters that are not allowed."),
        ("x" * 1001, "", "Write at most 1,000 characters."),
    ],
)
def test_typed_text_is_refused_beside_its_field_with_a_clear_message(typed, required, message):
    with pytest.raises(ValidationError) as refused:
        clean_text(typed, limit=1000, field="reason", required=required)
    assert refused.value.message_dict == {"reason": [message]}


def test_typed_text_is_kept_stripped_and_may_be_empty_when_not_required():
    assert clean_text("  A reason.\n", limit=1000, field="reason") == "A reason."
    assert clean_text("", limit=1000) == ""
    assert clean_text("x" * 1000, limit=1000) == "x" * 1000
