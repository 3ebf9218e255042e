"""Asking a sponsor, going by what the pages say: a public body's drafter asks a sponsor to back
its challenge (a mistyped address is pointed out, what was typed kept); the sponsor, reading
Dutch, meets the request among the decisions waiting on their page of everything they sponsor,
declines it (without a reason first: refused) and the drafter reads why and may ask another.
An exemption granted by a ministry asks its sponsor too: they accept it from the register, and
their page no longer lists it as waiting. Every page is checked with axe-core."""

from django.utils import timezone
from playwright.sync_api import expect

from ponte.challenges.services import sponsorship as challenge_sponsorship
from ponte.sandbox.matrix import make_call
from tests.conftest import give_two_factor
from tests.factories import ChallengeFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.sandbox.conftest import granted

from .support import AccessibilityAudit, tr

NL = "nl"
CHALLENGE = "Citizens cannot find the form for a home care allowance"
EXEMPTION = "Home care plans agreed by the care team"


def test_a_sponsor_is_asked_declines_a_challenge_and_accepts_an_exemption(
    signed_in, organisation, member, screenshot_dir
):
    audit = AccessibilityAudit(screenshot_dir, "sponsorship")
    sponsor = UserFactory(name="Hanne Peeters", email="hanne.peeters@example.org", is_sponsor=True, language=NL)
    give_two_factor(sponsor)
    challenge = ChallengeFactory(
        owner=organisation, author=member, title=CHALLENGE, status="published", published_at=timezone.now()
    )

    # The drafter asks, first with an address nobody has.
    drafter = signed_in(member)
    drafter.goto(challenge.get_absolute_url())
    sponsorship = drafter.get_by_role("region", name="Sponsor")
    expect(sponsorship).to_contain_text("No sponsor is asked to back this challenge yet.")
    sponsorship.get_by_role("link", name="Ask a sponsor").click()
    drafter.get_by_role("combobox", name="Sponsor").fill("hanne@nowhere.example")
    drafter.get_by_role("button", name="Ask this sponsor").click()
    expect(drafter.get_by_role("alert")).to_contain_text(
        "Nobody on Ponte has this address: name a person with the sponsor role."
    )
    expect(drafter.get_by_role("combobox", name="Sponsor")).to_have_value("hanne@nowhere.example")
    audit.check(drafter, "ask a sponsor, an unknown address")
    drafter.get_by_role("combobox", name="Sponsor").fill(sponsor.email)
    drafter.get_by_role("button", name="Ask this sponsor").click()
    expect(drafter.get_by_role("status")).to_contain_text(
        "The sponsor is asked to back the challenge. You are told of their answer."
    )
    expect(drafter.get_by_role("region", name="Sponsor")).to_contain_text("Waiting for the sponsor's answer")
    audit.check(drafter, "the challenge, its sponsor asked")

    # The sponsor finds the request on their page and declines it, saying why.
    exemption = granted(
        make_call(None, "open", opened_by=UserFactory(is_programme_manager=True)),
        OrganisationFactory(name="Municipality of Setúbal"),
        MembershipFactory(organisation=OrganisationFactory(tier="ministry"), role="admin").organisation,
        sponsor,
        title=EXEMPTION,
        starts=10,
    )
    page = signed_in(sponsor, NL)
    page.goto("/insights/sponsored/")
    challenges = page.get_by_role("region", name=tr(NL, "Challenges"))
    expect(challenges).to_contain_text(tr(NL, "Accept or decline sponsoring it"))
    audit.check(page, "what you sponsor, two requests waiting (nl)")
    challenges.get_by_role("link", name=CHALLENGE).click()
    page.get_by_role("region", name=tr(NL, "Sponsor")).get_by_role(
        "link", name=tr(NL, "Accept or decline sponsoring it")
    ).click()
    page.get_by_role("button", name=tr(NL, "Decline")).click()
    expect(page.get_by_role("alert")).to_contain_text(tr(NL, "Say why you decline: the public body reads it."))
    audit.check(page, "sponsor the challenge?, no reason to decline (nl)")
    page.get_by_label(tr(NL, "Note for the public body")).fill("Dit hoort bij het ministerie van Zorg.")
    page.get_by_role("button", name=tr(NL, "Decline")).click()
    expect(page.get_by_role("status")).to_contain_text(
        tr(NL, "You declined to sponsor the challenge. Its public body is told why.")
    )

    # The drafter reads why, and may ask another sponsor.
    drafter.reload()
    sponsorship = drafter.get_by_role("region", name="Sponsor")
    expect(sponsorship).to_contain_text("Declined by the sponsor")
    expect(sponsorship).to_contain_text("Dit hoort bij het ministerie van Zorg.")
    expect(sponsorship.get_by_role("link", name="Ask another sponsor")).to_be_visible()

    # The exemption: the sponsor accepts it from the register.
    page.goto("/insights/sponsored/")
    exemptions = page.get_by_role("region", name=tr(NL, "Exemptions"))
    exemptions.get_by_role("link", name=f"{exemption.reference} {EXEMPTION}").click()
    page.get_by_role("link", name=tr(NL, "Accept or decline sponsoring it")).click()
    audit.check(page, "sponsor the exemption? (nl)")
    page.get_by_role("button", name=tr(NL, "Accept to sponsor it")).click()
    expect(page.get_by_role("status")).to_contain_text(tr(NL, "You sponsor the exemption. The ministry is told."))
    page.goto("/insights/sponsored/")
    for programme in ("Challenges", "Exemptions"):
        region = page.get_by_role("region", name=tr(NL, programme))
        expect(region.get_by_text(tr(NL, "No decision is waiting for you."))).to_be_visible()
    audit.assert_clean()


def test_the_request_reaches_the_sponsor_asked_alone(signed_in, organisation, member):
    """Another sponsor reads neither the draft nor the request."""
    asked = UserFactory(is_sponsor=True)
    other = UserFactory(is_sponsor=True)
    give_two_factor(other)
    challenge = ChallengeFactory(owner=organisation, author=member, title=CHALLENGE)
    challenge_sponsorship.challenge_ask_sponsor(actor=member, challenge=challenge, sponsor=asked)
    page = signed_in(other)
    response = page.goto(challenge.get_absolute_url())
    assert response.status == 404
    page.goto("/insights/sponsored/")
    expect(page.get_by_text(CHALLENGE)).to_have_count(0)
