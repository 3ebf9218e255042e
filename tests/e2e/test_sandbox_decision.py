"""The dialogue and the decision on an application, going by what the pages say: the ministry's
official, in English, asks a question in the dialogue; the applicant, reading Portuguese,
replies with a file, then is asked for changes by the programme manager, makes them and sends
the application again; the ministry invites the final application; the applicant writes the
draft local statement of legal status and sends it; the ministry approves it (a sponsor who is
no one is refused, nothing typed is lost), and the applicant reads the exemption granted. Every
page is checked with axe-core in both languages. A visitor, reading Slovenian, then finds the
exemption in the public register."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.sandbox.services import applications as services
from ponte.sandbox.services import calls as call_services
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, tr, trc

PT = "pt-pt"
SL = "sl"
STATUS = "sandbox application"
TITLE = "Um plano único para cada cidadão"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _sent_application(manager, servant, body, ministry):
    today = timezone.localdate()
    call = call_services.call_open(
        actor=manager,
        title="Right to challenge a rule, 2027",
        description="Public bodies may ask for a rule to be waived.",
        themes=[],
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=None,
    )
    application = services.application_start(actor=servant, call=call, coordinator=body, title=TITLE)
    services.application_update(
        actor=servant,
        application=application,
        seen_version=1,
        ministry=ministry,
        barrier="Cada serviço abre o seu próprio processo.",
        alternative="Um plano único.",
        objective="Um plano em 10 dias úteis.",
        baseline="31 dias úteis em 2026.",
        measurement="Sistemas de gestão.",
        territory="Região de Lisboa",
        population=120000,
        affected="Cidadãos apoiados por vários serviços.",
        starts=today + timedelta(days=90),
        ends=today + timedelta(days=455),
        safeguards="Planos separados a pedido.",
        evaluation_plan="Comparação com outras regiões.",
        attests_lawful=True,
        attests_no_advantage=True,
        attests_legal_certainty=True,
    )
    services.rule_add(
        actor=servant,
        application=application,
        legal_reference="Decreto-Lei n.º 135/99",
        article="Artigo 7.º",
        wording="Cada serviço regista o pedido no seu próprio formulário.",
    )
    application.refresh_from_db()
    return services.application_submit(actor=servant, application=application)


def test_the_ministry_talks_it_over_and_approves_the_final_application(
    signed_in, new_context, screenshot_dir, tmp_path
):
    audit = AccessibilityAudit(screenshot_dir, "sandbox decision")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    sponsor = UserFactory(name="Sofia Sponsor", email="sofia@example.org", is_sponsor=True)
    body = OrganisationFactory(name="Agência para a Modernização Administrativa", slug="ama")
    servant = MembershipFactory(organisation=body, user__name="Joana Ferreira", user__language=PT).user
    ministry = OrganisationFactory(name="Ministry of the Presidency", slug="ministry-presidency", tier="ministry")
    official = MembershipFactory(organisation=ministry, role="admin", user__name="Marta Ribeiro").user
    application = _sent_application(manager, servant, body, ministry)
    address = f"/sandbox/applications/{application.pk}/"

    # The ministry asks a question in the dialogue.
    reader = signed_in(official)
    reader.goto(address)
    expect(reader.get_by_role("heading", name="Dialogue")).to_be_visible()
    audit.check(reader, "a sent application, as the ministry reads it")
    reader.get_by_role("link", name="Write a message").click()
    reader.get_by_label("Your message").fill("Who keeps the shared plan?")
    reader.get_by_role("button", name="Send the message").click()
    expect(reader.get_by_role("status")).to_contain_text("Your message is sent.")

    # The applicant replies, with a file.
    applicant = signed_in(servant, PT)
    applicant.goto(address)
    expect(applicant.get_by_text("Who keeps the shared plan?")).to_be_visible()
    applicant.get_by_role("link", name=tr(PT, "Reply to %(person)s") % {"person": "Marta Ribeiro"}).click()
    audit.check(applicant, "reply to the ministry (pt)")
    procedure = tmp_path / "procedimento.pdf"
    procedure.write_bytes(PDF)
    applicant.get_by_label(tr(PT, "Your message")).fill("O serviço escolhido pelo cidadão.")
    applicant.get_by_label(tr(PT, "Files")).set_input_files(str(procedure))
    applicant.get_by_role("button", name=tr(PT, "Send the message")).click()
    expect(applicant.get_by_role("link", name="procedimento.pdf")).to_be_visible()

    # The programme manager asks for changes; the applicant makes them and sends it again.
    unit = signed_in(manager)
    unit.goto(address)
    unit.get_by_role("link", name="Ask for changes").click()
    unit.get_by_role("button", name="Ask for the changes").click()
    expect(unit.get_by_role("alert")).to_contain_text("Say what the applicants should change, and why.")
    audit.check(unit, "ask for changes, with an error")
    unit.get_by_label("What the applicants should change").fill("Give the baseline per service.")
    unit.get_by_role("button", name="Ask for the changes").click()
    applicant.goto(address)
    expect(applicant.get_by_text("Give the baseline per service.")).to_be_visible()
    applicant.get_by_role("link", name=tr(PT, "Edit the application")).click()
    applicant.get_by_label(tr(PT, "Baseline")).fill("31 dias úteis em 2026: 28, 31 e 34 por serviço.")
    applicant.get_by_role("button", name=tr(PT, "Save the draft")).click()
    applicant.get_by_role("button", name=tr(PT, "Send it again, with the changes")).click()
    expect(applicant.get_by_text(trc(PT, STATUS, "Preliminary application sent"), exact=True)).to_be_visible()

    # The ministry invites the final application.
    reader.goto(address)
    reader.get_by_role("link", name="Invite the final application").click()
    audit.check(reader, "invite the final application")
    reader.get_by_label("What the final application should hold").fill("Add the statement for citizens.")
    reader.get_by_role("button", name="Invite the final application").click()
    expect(reader.get_by_text("Final application being written", exact=True)).to_be_visible()

    # The applicant writes the draft local statement of legal status and sends it.
    applicant.goto(address)
    statement = tr(
        PT,
        "Write the draft local statement of legal status: which rules apply to the people affected "
        "during the experiment.",
    )
    applicant.get_by_role("link", name=statement).click()
    applicant.get_by_label(tr(PT, "Draft local statement of legal status")).fill(
        "Durante a experiência, o plano único substitui os formulários de cada serviço."
    )
    applicant.get_by_role("button", name=tr(PT, "Save the draft")).click()
    audit.check(applicant, "the final application, ready (pt)")
    applicant.get_by_role("button", name=tr(PT, "Send the final application")).click()
    expect(applicant.get_by_text(trc(PT, STATUS, "Final application sent"), exact=True)).to_be_visible()

    # The ministry approves it, naming a sponsor.
    reader.goto(address)
    reader.get_by_role("link", name="Approve the application").click()
    reader.get_by_label("Conditions").fill("A report every six months.")
    reader.get_by_label("Legal basis").fill("Order 112/2027")
    reader.get_by_role("combobox", name="Sponsor").fill("nobody@example.org")
    reader.get_by_role("button", name="Approve and grant the exemption").click()
    expect(reader.get_by_role("alert")).to_contain_text("Nobody on Ponte has this address")
    expect(reader.get_by_label("Conditions")).to_have_value("A report every six months.")
    audit.check(reader, "approve, with an error")
    reader.get_by_role("combobox", name="Sponsor").fill(sponsor.email)
    reader.get_by_role("button", name="Approve and grant the exemption").click()
    expect(reader.get_by_role("status")).to_contain_text("The application is approved")

    applicant.goto(address)
    expect(applicant.get_by_text("Order 112/2027")).to_be_visible()
    expect(applicant.get_by_text("Sofia Sponsor")).to_be_visible()
    expect(applicant.get_by_role("link", name=tr(PT, "Write a message"))).to_have_count(0)
    audit.check(applicant, "the approved application (pt)")

    # A visitor, reading Slovenian, finds the exemption in the public register.
    visitor = new_context("sl-SI").new_page()
    visitor.goto("/")
    visitor.get_by_role("navigation", name=tr(SL, "Main")).get_by_role("link", name=tr(SL, "Sandbox")).click()
    visitor.get_by_role("link", name=tr(SL, "Read the exemption register")).click()
    expect(visitor.get_by_role("heading", name=tr(SL, "Exemption register"), level=1)).to_be_visible()
    visitor.get_by_label(tr(SL, "Status")).select_option(label=trc(SL, "exemption", "Not started yet"))
    visitor.get_by_role("button", name=tr(SL, "Apply the filters")).click()
    audit.check(visitor, "the register, filtered (sl)")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", name="Decreto-Lei n.º 135/99, Artigo 7.º")).to_be_visible()
    expect(visitor.get_by_text("Durante a experiência, o plano único substitui")).to_be_visible()
    expect(visitor.get_by_text("Dialogue")).to_have_count(0)
    audit.check(visitor, "an exemption in the register (sl)")
    audit.assert_clean()
