"""An exemption's life through its pages: the applicants find the report due on their
application's page and send it, then the evaluation once it is over; the ministry revokes it or
records its outcome; bad input keeps what was typed; who may not act is refused; the register
shows it all to everyone."""

import pytest

from ponte.sandbox.models import ExemptionPhase, Outcome, ProgressReport
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reading import Page

from .conftest import granted

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db):
    return UserFactory(name="Sofia Sponsor", is_sponsor=True)


def url(exemption, part=""):
    return f"/sandbox/applications/{exemption.application_id}/{part}"


def test_the_applicants_send_the_report_due_and_the_register_shows_it(
    login, client, call, organisation, ministry, sponsor, member
):
    running = granted(call, organisation, ministry, sponsor, starts=-170, days=730)
    client = login(member)
    page = Page(client.get(url(running)))
    assert page.link("Send the progress report") == url(running, "report/")
    response = client.post(url(running, "report/"), {"progress": "Going well.", "measure": ""})
    assert "Give where the objective's measure stands now." in Page(response).text()
    assert response.context["form"]["progress"].value() == "Going well."
    client.post(url(running, "report/"), {"progress": "Going well.", "measure": "18 days (baseline 31)"})
    assert ProgressReport.objects.get().measure == "18 days (baseline 31)"
    assert "Send the progress report" not in Page(client.get(url(running))).text()
    register = Page(login(None).get(f"/sandbox/register/{running.pk}/"))
    assert "18 days (baseline 31)" in register.text() and "Going well." in register.text()


def test_the_ministry_revokes_through_the_page(login, call, organisation, ministry, sponsor, official, member):
    running = granted(call, organisation, ministry, sponsor, starts=-10, days=365)
    assert login(member).get(url(running, "revoke/")).status_code == 403
    client = login(official)
    assert "Revoke the exemption" in Page(client.get(url(running))).text()
    response = client.post(url(running, "revoke/"), {"reason": ""})
    assert "Say why the exemption is revoked" in Page(response).text()
    client.post(url(running, "revoke/"), {"reason": "The safeguards were not kept."})
    running.refresh_from_db()
    assert running.phase == ExemptionPhase.REVOKED
    response = client.get(url(running, "revoke/"), follow=True)
    assert "This can no longer be done: the exemption is “Revoked”." in Page(response).text()


def test_evaluation_and_outcome_through_the_pages(login, call, organisation, ministry, sponsor, official, member):
    over = granted(call, organisation, ministry, sponsor, starts=-400, days=365)
    client = login(member)
    client.post(url(over, "evaluate/"), {"evaluation": "It worked.", "result": "6.5 months", "lessons": "Ask."})
    client = login(official)
    form = Page(client.get(url(over, "outcome/")))
    assert "6.5 months" in form.text()
    response = client.post(url(over, "outcome/"), {"outcome": "extended", "note": "More time.", "extended_until": ""})
    assert "Give the new last day" in Page(response).text()
    assert response.context["form"]["note"].value() == "More time."
    client.post(url(over, "outcome/"), {"outcome": "rule_changed", "note": "Law 12/2027."})
    over.refresh_from_db()
    assert over.outcome == Outcome.RULE_CHANGED
    register = Page(login(None).get(f"/sandbox/register/{over.pk}/"))
    assert "The rule was changed permanently" in register.text() and "Ask." in register.text()


def test_another_ministry_finds_nothing(login, call, organisation, ministry, sponsor):
    running = granted(call, organisation, ministry, sponsor, starts=-10, days=365)
    other = MembershipFactory(organisation=OrganisationFactory(tier="ministry")).user
    client = login(other)
    for part in ("report/", "revoke/", "evaluate/", "outcome/"):
        assert client.get(url(running, part)).status_code == 404
