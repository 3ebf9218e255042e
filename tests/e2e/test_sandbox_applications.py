"""A preliminary application to waive a rule, going by what the pages say: a programme manager
finds the sandbox in the menu and opens a call (a deadline before the opening is refused and
nothing typed is lost); a public servant, reading Portuguese, starts an application from the
call, writes it (an end before the start is refused), adds a rule (an address that is no ELI is
refused, then the act's ELI is taken), sees what is missing, completes it and sends it; the
ministry's official reads it from the list of applications. Every page is checked with axe-core
in both languages."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, tr

PT = "pt-pt"
CALL = "Right to challenge a rule, 2027"
TITLE = "Um plano único para cada cidadão"
ELI = "https://data.dre.pt/eli/dec-lei/135/1999/04/22/p/dre/pt/html"


def test_a_public_servant_writes_and_sends_a_preliminary_application(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "sandbox applications")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama")
    servant = MembershipFactory(organisation=body, user__name="Joana Ferreira", user__language=PT).user
    ministry = OrganisationFactory(name="Ministry of the Presidency", slug="ministry-presidency", tier="ministry")
    official = MembershipFactory(organisation=ministry, role="admin", user__name="Marta Ribeiro").user
    today = timezone.localdate()

    # The programme manager opens a call.
    page = signed_in(manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sandbox").click()
    expect(page.get_by_role("heading", name="Sandbox: the right to challenge a rule", level=1)).to_be_visible()
    expect(page.get_by_text("No call yet.")).to_be_visible()
    audit.check(page, "sandbox home, no call yet")
    page.get_by_role("link", name="Open a call").click()
    page.get_by_label("Title").fill(CALL)
    page.get_by_label("Description").fill("Public bodies may ask for a rule to be waived for up to four years.")
    page.get_by_label("Priority themes").fill("Simpler permits\nFewer reports, more service")
    page.get_by_label("Opens").fill(f"{today}T00:00")
    page.get_by_label("Deadline").fill(f"{today - timedelta(days=1)}T17:00")
    page.get_by_role("button", name="Open the call").click()
    expect(page.get_by_role("alert")).to_contain_text("The deadline must come after the call opens.")
    expect(page.get_by_label("Title")).to_have_value(CALL)
    audit.check(page, "open a call, with an error")
    page.get_by_label("Deadline").fill(f"{today + timedelta(days=60)}T17:00")
    page.get_by_role("button", name="Open the call").click()
    expect(page.get_by_role("heading", name=CALL, level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The call is open")
    audit.check(page, "the call, as its programme manager reads it")

    # The public servant, in Portuguese, starts an application from the call.
    applicant = signed_in(servant, PT)
    applicant.goto("/")
    applicant.get_by_role("navigation", name=tr(PT, "Main")).get_by_role("link", name=tr(PT, "Sandbox")).click()
    applicant.get_by_role("link", name=CALL).click()
    audit.check(applicant, "the call, as a public servant reads it (pt)")
    applicant.get_by_role("link", name=tr(PT, "Start an application")).click()
    applicant.get_by_label(tr(PT, "Title")).fill(TITLE)
    applicant.get_by_role("button", name=tr(PT, "Start the draft")).click()
    expect(applicant.get_by_role("heading", name=tr(PT, "Edit the application"), level=1)).to_be_visible()
    audit.check(applicant, "edit the application (pt)")
    applicant.get_by_label(tr(PT, "Priority theme")).select_option("Fewer reports, more service")
    applicant.get_by_label(tr(PT, "Responsible ministry")).select_option("Ministry of the Presidency")
    answers = {
        "The barrier": "Cada serviço abre o seu próprio processo.",
        "The alternative to test": "Um plano único, escrito com o cidadão.",
        "Measurable objective": "Um plano em 10 dias úteis.",
        "Baseline": "31 dias úteis em 2026.",
        "How it will be measured": "Datas dos sistemas de gestão, todos os meses.",
        "Territory": "Região de Lisboa",
        "Population covered": "120000",
        "Who is affected": "Cidadãos apoiados por vários serviços.",
        "Safeguards": "Planos separados a pedido.",
    }
    for label, text in answers.items():
        applicant.get_by_label(tr(PT, label)).fill(text)
    applicant.get_by_label(tr(PT, "Planned first day")).fill(str(today + timedelta(days=90)))
    applicant.get_by_label(tr(PT, "Planned last day")).fill(str(today + timedelta(days=60)))
    applicant.get_by_role("button", name=tr(PT, "Save the draft")).click()
    expect(applicant.get_by_role("alert")).to_contain_text(tr(PT, "The last day must come on or after the first day."))
    expect(applicant.get_by_label(tr(PT, "Safeguards"))).to_have_value("Planos separados a pedido.")
    audit.check(applicant, "edit the application, with an error (pt)")
    applicant.get_by_label(tr(PT, "Planned last day")).fill(str(today + timedelta(days=455)))
    applicant.get_by_role("button", name=tr(PT, "Save the draft")).click()
    expect(applicant.get_by_role("status")).to_contain_text(tr(PT, "The draft is saved."))

    # What is missing is listed, each a link to where it is written.
    missing = applicant.get_by_role("note").filter(has_text=tr(PT, "Before you can send it"))
    expect(missing.get_by_role("link", name=tr(PT, "Add at least one rule to waive."))).to_be_visible()
    expect(missing.get_by_role("link", name=tr(PT, "Describe how the experiment will be evaluated."))).to_be_visible()
    audit.check(applicant, "a draft with parts missing (pt)")
    applicant.get_by_role("link", name=tr(PT, "Add a rule to waive")).click()
    applicant.get_by_label(tr(PT, "Legal act")).fill("Decreto-Lei n.º 135/99")
    applicant.get_by_label(tr(PT, "Article")).fill("Artigo 7.º, n.º 2")
    applicant.get_by_label(tr(PT, "What the rule says")).fill(
        "Cada serviço regista o pedido no seu próprio formulário."
    )
    applicant.get_by_label(tr(PT, "European Legislation Identifier (ELI)")).fill("https://dre.pt/lei/135")
    applicant.get_by_role("button", name=tr(PT, "Add the rule")).click()
    not_an_eli = tr(
        PT,
        "This is not a European Legislation Identifier: give the act's address with “/eli/” in it, "
        "such as http://data.europa.eu/eli/reg/2016/679/oj, or leave the field empty.",
    )
    expect(applicant.get_by_role("alert")).to_contain_text(not_an_eli)
    expect(applicant.get_by_label(tr(PT, "Legal act"))).to_have_value("Decreto-Lei n.º 135/99")
    audit.check(applicant, "add a rule, with an error (pt)")
    applicant.get_by_label(tr(PT, "European Legislation Identifier (ELI)")).fill(ELI)
    applicant.get_by_role("button", name=tr(PT, "Add the rule")).click()
    expect(applicant.get_by_role("heading", name="Decreto-Lei n.º 135/99, Artigo 7.º, n.º 2")).to_be_visible()
    expect(applicant.get_by_role("link", name=ELI, exact=False)).to_have_attribute("href", ELI)

    missing.get_by_role("link", name=tr(PT, "Describe how the experiment will be evaluated.")).click()
    applicant.get_by_label(tr(PT, "Evaluation plan")).fill("Comparação com as outras regiões após 12 meses.")
    for attestation in (
        "The experiment breaches neither the constitution nor EU law.",
        "The experiment gives no financial advantage at others' expense.",
        "The experiment keeps citizens' legal certainty: everyone knows which rules apply to them.",
    ):
        applicant.get_by_label(tr(PT, attestation)).check()
    applicant.get_by_role("button", name=tr(PT, "Save the draft")).click()
    expect(applicant.get_by_text(tr(PT, "Before you can send it"))).to_have_count(0)
    audit.check(applicant, "a complete draft (pt)")
    applicant.get_by_role("button", name=tr(PT, "Send the preliminary application")).click()
    expect(applicant.get_by_role("status")).to_contain_text(
        tr(
            PT,
            "The application is sent to the ministry and the programme managers. You will be told what they say.",
        )
    )
    expect(applicant.get_by_role("link", name=tr(PT, "Edit the application"))).to_have_count(0)

    # The ministry's official reads it from the list of applications.
    reader = signed_in(official)
    reader.goto("/sandbox/applications/")
    expect(reader.get_by_role("heading", name="Sandbox applications", level=1)).to_be_visible()
    audit.check(reader, "applications, as the ministry reads them")
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_text("Preliminary application sent")).to_be_visible()
    expect(reader.get_by_role("heading", name="Rules to waive")).to_be_visible()
    expect(reader.get_by_role("link", name="Edit the application")).to_have_count(0)
    audit.check(reader, "the application, as the ministry reads it")
    audit.assert_clean()
