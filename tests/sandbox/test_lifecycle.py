"""Every move of an application, legal and illegal: the lifecycle allows exactly the two steps
of the right to challenge (preliminary, dialogue, final, decision) and withdrawal before a
decision; every other move is refused with the state named."""

import pytest
from django.utils import translation

from ponte.core.statemachine import IllegalTransition
from ponte.sandbox.models import APPLICATION_LIFECYCLE, Application, ApplicationStatus

S = ApplicationStatus
LEGAL = {
    "submit_preliminary": {S.DRAFT},
    "ask_changes": {S.PRELIMINARY},
    "resubmit": {S.CHANGES_ASKED},
    "invite_final": {S.PRELIMINARY},
    "submit_final": {S.FINAL_DRAFT},
    "ask_final_changes": {S.FINAL},
    "approve": {S.FINAL},
    "reject": {S.PRELIMINARY, S.CHANGES_ASKED, S.FINAL},
    "withdraw": {S.DRAFT, S.PRELIMINARY, S.CHANGES_ASKED, S.FINAL_DRAFT, S.FINAL},
}


def test_the_lifecycle_has_exactly_these_moves():
    assert {t.verb for t in APPLICATION_LIFECYCLE.transitions} == set(LEGAL)


@pytest.mark.parametrize("verb", sorted(LEGAL))
@pytest.mark.parametrize("state", list(ApplicationStatus))
def test_each_move_from_each_state(verb, state):
    application = Application(status=state)
    if state in LEGAL[verb]:
        APPLICATION_LIFECYCLE.require(application, verb)
    else:
        with translation.override("en"), pytest.raises(IllegalTransition) as refused:
            APPLICATION_LIFECYCLE.require(application, verb)
        assert str(ApplicationStatus(state).label) in refused.value.messages[0]


def test_approved_rejected_and_withdrawn_are_final():
    for state in (S.APPROVED, S.REJECTED, S.WITHDRAWN):
        assert APPLICATION_LIFECYCLE.allowed_verbs(Application(status=state)) == []
