"""Recognition, going by what the pages say: a programme manager sets up an award programme with a
category and a jury; a public servant reading Portuguese finds it from the menu and nominates a
colleague (a nomination without a statement is refused, nothing typed is lost); once
nominations close, one jury member declares a conflict of interest and cannot score, the other
declares none and scores; the programme manager reads the scores, chooses the winner with a
citation and announces; a visitor reads the winner in the hall of fame. Then a person thanks a
team on its page. Every page is checked with axe-core, in both languages."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ponte.recognition.models import AwardProgramme
from tests.conftest import give_two_factor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

from .support import AccessibilityAudit, tr

PT = "pt-pt"


def test_nominate_judge_and_announce_to_the_hall_of_fame(signed_in, new_context, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "recognition")
    manager = UserFactory(name="Paula Manager", is_programme_manager=True)
    give_two_factor(manager)
    joana = UserFactory(name="Joana Ferreira", language=PT)
    luc = UserFactory(name="Luc Dubois", email="luc@example.org")
    maja = UserFactory(name="Maja Horvat", email="maja@example.org")

    # The programme manager sets up the programme, with a category, and names the jury.
    page = signed_in(manager)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Awards").first.click()
    page.get_by_role("link", name="Set up an award programme").click()
    page.get_by_label("Title").fill("Innovation awards")
    page.get_by_label("Description").fill("People and teams who changed a public service.")
    page.get_by_label("Year of the awards").fill(str(timezone.localdate().year))
    opens = timezone.localtime() + timedelta(days=1)
    closes = opens + timedelta(days=20)
    page.get_by_label("Nominations open").fill(closes.strftime("%Y-%m-%dT17:00"))
    page.get_by_label("Nominations close").fill(opens.strftime("%Y-%m-%dT09:00"))
    page.get_by_role("button", name="Set up the programme").click()
    expect(page.get_by_role("alert")).to_contain_text("Nominations must close after they open.")
    expect(page.get_by_label("Title")).to_have_value("Innovation awards")
    audit.check(page, "set up a programme, with an error")
    page.get_by_label("Nominations open").fill(opens.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Nominations close").fill(closes.strftime("%Y-%m-%dT17:00"))
    page.get_by_role("button", name="Set up the programme").click()
    expect(page.get_by_role("status")).to_contain_text("The programme is set up.")
    page.get_by_role("link", name="Add a category").click()
    page.get_by_label("Title").fill("A service that changed lives")
    page.get_by_label("What it recognises").fill("A service made simpler for the people who use it.")
    audit.check(page, "add a category")
    page.get_by_role("button", name="Add the category").click()
    expect(page.get_by_role("status")).to_contain_text("The category is added.")
    page.get_by_role("link", name="The jury").click()
    for juror in (luc, maja):
        page.get_by_role("combobox", name="Jury member").fill(juror.email)
        page.get_by_role("button", name="Add to the jury").click()
        expect(page.get_by_role("status")).to_contain_text("is on the jury")
    audit.check(page, "the jury")
    programme = AwardProgramme.objects.get()
    # Nominations open.
    AwardProgramme.objects.filter(pk=programme.pk).update(nominations_open_at=timezone.now() - timedelta(hours=1))

    # Joana, in Portuguese, finds the programme from the menu and nominates a colleague.
    joana_page = signed_in(joana, PT)
    joana_page.goto("/")
    joana_page.get_by_role("navigation").get_by_role("link", name=tr(PT, "Awards")).first.click()
    joana_page.get_by_role("link", name="Innovation awards").click()
    audit.check(joana_page, "the programme, nominations open (pt)")
    joana_page.get_by_role("link", name=tr(PT, "Nominate"), exact=True).click()
    joana_page.get_by_label(tr(PT, "Category")).select_option(label="A service that changed lives")
    joana_page.get_by_label(tr(PT, "A person")).check()
    joana_page.get_by_label(tr(PT, "Name of the person or team")).fill("Rui Almeida")
    joana_page.get_by_role("button", name=tr(PT, "Send the nomination")).click()
    expect(joana_page.get_by_role("alert")).to_contain_text(
        tr(PT, "Say why they deserve the award: what they did, and what it changed.")
    )
    expect(joana_page.get_by_label(tr(PT, "Name of the person or team"))).to_have_value("Rui Almeida")
    audit.check(joana_page, "nominate, with an error (pt)")
    joana_page.get_by_label(tr(PT, "Why they deserve the award")).fill(
        "He rewrote the forms with the people who fill them in."
    )
    joana_page.get_by_role("button", name=tr(PT, "Send the nomination")).click()
    expect(joana_page.get_by_role("status")).to_contain_text(
        tr(PT, "Your nomination is in. The jury reads it once nominations close.")
    )
    audit.check(joana_page, "the nomination (pt)")

    # Nominations close: Luc declares a conflict and cannot read it; Maja declares none and scores.
    AwardProgramme.objects.filter(pk=programme.pk).update(nominations_close_at=timezone.now() - timedelta(minutes=1))
    luc_page = signed_in(luc)
    luc_page.goto("/recognition/nominations/mine/")
    luc_page.get_by_role("link", name="Innovation awards").click()
    audit.check(luc_page, "the jury's nominations")
    luc_page.get_by_role("link", name="Rui Almeida").click()
    expect(luc_page.get_by_role("heading", name="Declare any conflict of interest")).to_be_visible()
    expect(luc_page.get_by_text("He rewrote the forms")).to_have_count(0)
    luc_page.get_by_label("Yes: I have a conflict of interest").check()
    luc_page.get_by_role("button", name="Declare").click()
    expect(luc_page.get_by_role("alert")).to_contain_text("Describe the conflict of interest.")
    audit.check(luc_page, "declare, with an error")
    luc_page.get_by_label("Yes: I have a conflict of interest").check()
    luc_page.get_by_label("The conflict of interest").fill("Rui Almeida is my brother.")
    luc_page.get_by_role("button", name="Declare").click()
    expect(luc_page.get_by_role("status")).to_contain_text("Your conflict of interest is recorded")
    expect(luc_page.get_by_role("table")).to_contain_text("Recused: conflict of interest")
    expect(luc_page.get_by_role("table").get_by_role("link", name="Rui Almeida")).to_have_count(0)

    maja_page = signed_in(maja)
    maja_page.goto(f"/recognition/programmes/{programme.pk}/judging/")
    maja_page.get_by_role("link", name="Rui Almeida").click()
    maja_page.get_by_label("No: I have no interest in the nominee").check()
    maja_page.get_by_role("button", name="Declare").click()
    expect(maja_page.get_by_text("He rewrote the forms with the people who fill them in.")).to_be_visible()
    maja_page.get_by_label("Score", exact=True).fill("11")
    maja_page.get_by_label("Why this score").fill("Clear evidence of a simpler service.")
    maja_page.get_by_role("button", name="Save your score").click()
    expect(maja_page.get_by_role("alert")).to_contain_text("Give a whole score from 1 to 10.")
    expect(maja_page.get_by_label("Why this score")).to_have_value("Clear evidence of a simpler service.")
    audit.check(maja_page, "score, with an error")
    maja_page.get_by_label("Score", exact=True).fill("8")
    maja_page.get_by_role("button", name="Save your score").click()
    expect(maja_page.get_by_role("status")).to_contain_text("Your score is saved.")
    expect(maja_page.get_by_role("table")).to_contain_text("Scored 8 of 10")

    # The programme manager reads the scores, chooses the winner and announces.
    page.goto(f"/recognition/programmes/{programme.pk}/")
    page.get_by_role("link", name="Nominations and scores").click()
    expect(page.get_by_role("table")).to_contain_text("8.0")
    audit.check(page, "the scores")
    page.get_by_role("link", name="Choose Rui Almeida").click()
    page.get_by_label("Citation").fill("For forms that people understand the first time.")
    audit.check(page, "choose the winner")
    page.get_by_role("button", name="Choose as the winner").click()
    expect(page.get_by_role("status")).to_contain_text("is chosen")
    page.get_by_role("link", name="Announce the winners").click()
    audit.check(page, "announce")
    page.get_by_role("button", name="Announce the winners").click()
    expect(page.get_by_role("status")).to_contain_text("The winners are announced")

    # A visitor reads the winner and the citation, never the statement, in the hall of fame.
    visitor = new_context().new_page()
    visitor.goto("/recognition/")
    hall = visitor.get_by_role("region", name="Innovation awards")
    expect(hall).to_contain_text("Rui Almeida")
    expect(hall).to_contain_text("For forms that people understand the first time.")
    expect(visitor.get_by_text("He rewrote the forms")).to_have_count(0)
    audit.check(visitor, "the hall of fame")
    audit.assert_clean()


def test_thank_a_team_on_its_page(signed_in, screenshot_dir):
    audit = AccessibilityAudit(screenshot_dir, "kudos")
    team = OrganisationFactory(name="Citizen shops team")
    thanker = UserFactory(name="Ana Sousa", language=PT)
    MembershipFactory(user=UserFactory(), organisation=team)
    page = signed_in(thanker, PT)
    page.goto(team.get_absolute_url())
    expect(page.get_by_text(tr(PT, "Nobody has thanked them yet."))).to_be_visible()
    page.get_by_role("link", name=tr(PT, "Thank them for a result")).click()
    page.get_by_role("button", name=tr(PT, "Send your thanks")).click()
    expect(page.get_by_role("alert")).to_contain_text(tr(PT, "Write what you thank them for."))
    audit.check(page, "thank a team, with an error (pt)")
    page.get_by_label(tr(PT, "Your thanks")).fill("Booking once for every service saved me a morning.")
    page.get_by_role("button", name=tr(PT, "Send your thanks")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_text("Booking once for every service saved me a morning.")).to_be_visible()
    expect(page.get_by_text("Ana Sousa")).to_be_visible()
    audit.check(page, "the team's page, thanked (pt)")
    audit.assert_clean()
