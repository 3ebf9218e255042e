"""An exemption from its progress report to its outcome, going by what the pages say: the
applicant, reading Portuguese, sends the report due from the application's page (a report
without its measure is refused, nothing typed is lost); once the exemption is over, writes its
evaluation; the ministry's official, in English, records that the rule changed for good; a
visitor reads the outcome, the report and the lessons in the register. Every page is checked
with axe-core in both languages."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.sandbox.matrix import make_call
from ponte.sandbox.models import Exemption
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.sandbox.conftest import granted

from .support import AccessibilityAudit, tr

PT = "pt-pt"


def test_a_report_an_evaluation_and_the_outcome(signed_in, new_context, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "sandbox outcome")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    sponsor = UserFactory(name="Sofia Sponsor", is_sponsor=True)
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama")
    servant = MembershipFactory(organisation=body, user__name="Joana Ferreira", user__language=PT).user
    ministry = OrganisationFactory(name="Ministry of the Presidency", slug="ministry-presidency", tier="ministry")
    official = MembershipFactory(organisation=ministry, role="admin", user__name="Marta Ribeiro").user
    call = make_call(None, "open", opened_by=manager)
    exemption = granted(call, body, ministry, sponsor, title="Licenças de obras em 10 dias", starts=-170, days=365)
    address = f"/sandbox/applications/{exemption.application_id}/"

    # The applicant sends the progress report due.
    applicant = signed_in(servant, PT)
    applicant.goto(address)
    applicant.get_by_role("link", name=tr(PT, "Send the progress report")).click()
    applicant.get_by_label(tr(PT, "Progress")).fill("As licenças saem mais depressa.")
    applicant.get_by_role("button", name=tr(PT, "Send the report")).click()
    expect(applicant.get_by_role("alert")).to_contain_text(tr(PT, "Give where the objective's measure stands now."))
    expect(applicant.get_by_label(tr(PT, "Progress"))).to_have_value("As licenças saem mais depressa.")
    audit.check(applicant, "send the progress report, with an error (pt)")
    applicant.get_by_label(tr(PT, "The objective's measure now")).fill("12 dias (referência 19)")
    applicant.get_by_role("button", name=tr(PT, "Send the report")).click()
    expect(applicant.get_by_role("status")).to_contain_text(
        tr(PT, "The progress report is sent. It is published in the register.")
    )
    audit.check(applicant, "the exemption after its report (pt)")

    # A year on, the exemption is over: the applicant evaluates it.
    today = timezone.localdate()
    Exemption.objects.filter(pk=exemption.pk).update(
        starts=today - timedelta(days=400), ends=today - timedelta(days=35)
    )
    applicant.goto(address)
    applicant.get_by_role("link", name=tr(PT, "Evaluate the experiment")).click()
    applicant.get_by_label(tr(PT, "Final evaluation")).fill("O objetivo foi atingido no segundo semestre.")
    applicant.get_by_label(tr(PT, "Result against the baseline")).fill("8 dias úteis (referência 19)")
    applicant.get_by_label(tr(PT, "Lessons")).fill("Um modelo claro fez mais do que um sistema novo.")
    audit.check(applicant, "evaluate the experiment (pt)")
    applicant.get_by_role("button", name=tr(PT, "Save the evaluation")).click()
    expect(applicant.get_by_role("status")).to_be_visible()

    # The ministry records that the rule changed.
    reader = signed_in(official)
    reader.goto(address)
    reader.get_by_role("link", name="Record the outcome").click()
    expect(reader.get_by_text("8 dias úteis (referência 19)")).to_be_visible()
    reader.get_by_label("The rule was changed permanently").check()
    reader.get_by_label("About the outcome").fill("Ordinance 38/2013 now allows 10 days everywhere.")
    audit.check(reader, "record the outcome")
    reader.get_by_role("button", name="Record the outcome").click()
    expect(reader.get_by_role("status")).to_contain_text("The outcome is recorded in the register.")

    # A visitor reads it in the register.
    visitor = new_context().new_page()
    visitor.goto("/sandbox/register/")
    expect(
        visitor.get_by_text("Of the 1 experiment whose outcome is known, 1 led to a permanent rule change (100 %).")
    ).to_be_visible()
    visitor.get_by_role("link", name="Licenças de obras em 10 dias").click()
    expect(visitor.get_by_text("The rule was changed permanently")).to_be_visible()
    expect(visitor.get_by_text("12 dias (referência 19)", exact=False)).to_be_visible()
    expect(visitor.get_by_text("Um modelo claro fez mais do que um sistema novo.")).to_be_visible()
    audit.check(visitor, "an exemption with its outcome, in the register")
    audit.assert_clean()
