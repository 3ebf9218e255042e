"""A later phase of a challenge is for the companies invited to it, the suppliers awarded in
the phase before: "Challenges for you" recommends it to them only and lists it above their
recommendations even when the ranker would not pick it; only they may follow it. The page
makes as many queries with one invitation as with several."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ponte.challenges.models import Award, Interest, Proposal
from ponte.matchmaking import ranking
from ponte.reference.models import SectorTag
from tests.challenges.phases import worlds as phases
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    MembershipFactory,
    PublishedChallengeFactory,
    SolutionFactory,
)

pytestmark = pytest.mark.django_db


def publish_solution(company, **fields):
    """A published solution in the words of the phases' problem (the factories' "right form")."""
    return SolutionFactory(company=company, status="published", published_at=timezone.now(), **fields)


@pytest.fixture
def series():
    """A first phase awarded to Civic Data Labs and Big Consulting, and its next phase,
    "Prototype", open; Loser Analytics bid on the first phase and was not awarded."""
    series = phases.awarded_first_phase()
    phases.next_phase(series, "Prototype")
    for bid in (*series.invited, *series.not_invited):
        bid.company.sectors.set([SectorTag.objects.get_or_create(code="mobility")[0]])
        publish_solution(bid.company)
    return series


def prototype(series):
    return series.phases[-1]


def recommended_to(client, member):
    client.force_login(member)
    response = client.get("/challenges/recommended/")
    assert response.status_code == 200
    return response


# "Challenges for you" ----------------------------------------------------------------------


def test_a_later_phase_is_recommended_to_the_invited_companies_only(series):
    invited, not_invited = series.invited[0].company, series.not_invited[0].company
    # One call for both, as for a person in both companies: one pool, the phase in it.
    by_company = {s.company: s for s in ranking.recommend_for_companies([invited, not_invited])}
    assert prototype(series) in [m.obj for m in by_company[invited].challenges]
    assert [i.challenge for i in by_company[invited].invitations] == [prototype(series)]
    assert prototype(series) not in [m.obj for m in by_company[not_invited].challenges]
    assert by_company[not_invited].invitations == []


def test_the_page_tells_an_invited_company_and_no_other(client, series):
    page = recommended_to(client, series.invited[0].member).content.decode()
    url = prototype(series).get_absolute_url()
    title = series.first.title
    assert f"Civic Data Labs: you are invited to phase 2 of “{title}”" in page
    assert f'href="{url}"' in page

    page = recommended_to(client, series.not_invited[0].member).content.decode()
    assert "you are invited" not in page
    assert url not in page


def test_an_invitation_is_listed_even_when_the_ranker_would_not_pick_it(client, series):
    """No published solution and no sector in common: nothing to rank it by."""
    invited = series.invited[1]
    invited.company.sectors.clear()
    invited.company.solutions.all().delete()
    response = recommended_to(client, invited.member)
    [section] = response.context["sections"]
    assert prototype(series) not in [m.obj for m in section.challenges]
    assert [i.challenge for i in section.invitations] == [prototype(series)]
    assert "Big Consulting: you are invited to phase 2 of" in response.content.decode()


def test_the_invitation_names_the_place_of_the_phase_in_its_series(client):
    """Solution design, then Prototype (awarded to Civic Data Labs alone), then Test, published
    today: Civic Data Labs is invited to phase 3; Big Consulting, invited to the prototype but
    not awarded it, is invited to nothing."""
    series = phases.three_phases()
    test = phases.publish(series.phases[-1])
    winner, other = series.invited
    [section] = ranking.recommend_for_companies([winner.company])
    assert [(i.challenge, i.number, i.series) for i in section.invitations] == [(test, 3, series.first.title)]
    [section] = ranking.recommend_for_companies([other.company])
    assert section.invitations == []
    assert test not in [m.obj for m in section.challenges]


def invite(company, n):
    """A later phase open to `company`, awarded the phase before it."""
    first = ChallengeFactory(
        status="awarded",
        published_at=timezone.now() - timedelta(days=60),
        deadline=timezone.now() - timedelta(days=30),
        awarded_at=timezone.now() - timedelta(days=20),
        phase_name="Phase 1",
        title=f"Potholes are found too late {n}",
    )
    member = company.memberships.first().user
    proposal = Proposal.objects.create(
        challenge=first, company=company, submitted_by=member, approach="A", team="T", price=1, timeline="T"
    )
    Award.objects.create(challenge=first, proposal=proposal, supplier=company, value=Decimal("1000"))
    return PublishedChallengeFactory(
        owner=first.owner, previous_phase=first, first_phase=first, phase_name="Prototype", title=first.title
    )


def test_the_page_makes_as_many_queries_with_one_invitation_as_with_several(client):
    company = CompanyFactory()
    member = MembershipFactory(organisation=company).user
    publish_solution(company)
    client.force_login(member)

    def queries():
        client.get("/challenges/recommended/")  # the catalogue's word statistics, counted once
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/challenges/recommended/")
        return response, [q["sql"] for q in captured.captured_queries]

    invite(company, 0)
    _response, one = queries()
    for n in range(1, 6):
        invite(company, n)
    response, several = queries()
    assert len(response.context["sections"][0].invitations) == 6
    assert len(one) == len(several), "\n".join(["with one:", *one, "", "with six:", *several])


# Following ---------------------------------------------------------------------------------


def test_an_invited_company_may_follow_the_later_phase(client, series):
    invited = series.invited[0]
    assert invited.member.has_perm("challenges.express_interest", prototype(series))
    client.force_login(invited.member)
    page = client.get(prototype(series).get_absolute_url()).content.decode()
    assert "Follow this challenge</button>" in page
    response = client.post(f"/challenges/{prototype(series).pk}/interest/", {"company": invited.company.pk})
    assert response.status_code == 302
    assert Interest.objects.get(challenge=prototype(series)).company == invited.company


@pytest.mark.parametrize("which", [0, 1], ids=["not awarded", "withdrew"])
def test_a_company_not_invited_may_not_follow_and_is_told_why(client, series, which):
    outsider = series.not_invited[which]
    assert not outsider.member.has_perm("challenges.express_interest", prototype(series))
    client.force_login(outsider.member)
    url = prototype(series).get_absolute_url()
    page = client.get(url).content.decode()
    assert "Follow this challenge</button>" not in page
    assert "Only the companies invited to this phase may follow it" in page
    # Posting anyway: a clear refusal on the challenge's page, nothing recorded.
    response = client.post(
        f"/challenges/{prototype(series).pk}/interest/", {"company": outsider.company.pk}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    assert "Only the companies invited to this phase may follow it, and none of your companies was invited." in (
        response.content.decode()
    )
    assert not Interest.objects.exists()


def test_a_member_of_an_invited_company_and_another_follows_for_the_invited_one_only(client, series):
    invited, outsider = series.invited[0], series.not_invited[0]
    MembershipFactory(organisation=outsider.company, user=invited.member)
    client.force_login(invited.member)
    page = client.get(prototype(series).get_absolute_url()).content.decode()
    assert f'<input type="hidden" name="company" value="{invited.company.pk}">' in page
    assert 'for="interest-company"' not in page  # nothing to choose: one company may follow
    response = client.post(
        f"/challenges/{prototype(series).pk}/interest/", {"company": outsider.company.pk}, follow=True
    )
    assert "Loser Analytics was not invited to this phase" in response.content.decode()
    assert not Interest.objects.exists()


def test_a_company_not_invited_that_followed_before_may_stop(client, series):
    outsider = series.not_invited[0]
    Interest.objects.create(challenge=prototype(series), user=outsider.member, company=outsider.company)
    client.force_login(outsider.member)
    assert "Stop following" in client.get(prototype(series).get_absolute_url()).content.decode()
    client.post(f"/challenges/{prototype(series).pk}/interest/", {"action": "unfollow"})
    assert not Interest.objects.exists()


# The later phase's own recommendations, and the rule in the service ----------------------


def test_a_later_phase_recommends_only_the_invited_companies_and_their_solutions(series):
    from ponte.challenges.queries.public import challenge_detail

    phase = challenge_detail(series.author, prototype(series).pk)
    found = ranking.recommend_for_challenge(phase)
    invited = {bid.company for bid in series.invited}
    assert {company.company for company in found.companies} <= invited
    assert {match.obj.company for match in found.solutions} <= invited
    assert found.companies, "the invited companies' published solutions match the phase"


def test_the_service_refuses_to_follow_for_a_company_not_invited(series):
    from django.core.exceptions import PermissionDenied

    from ponte.challenges.services import following as following_services

    invited, not_invited = series.invited[0].company, series.not_invited[0].company
    person = MembershipFactory(organisation=invited).user
    MembershipFactory(organisation=not_invited, user=person)
    with pytest.raises(PermissionDenied):
        following_services.interest_express(actor=person, challenge=prototype(series), company=not_invited)
    assert not Interest.objects.filter(challenge=prototype(series)).exists()
    following_services.interest_express(actor=person, challenge=prototype(series), company=invited)
    assert Interest.objects.get(challenge=prototype(series)).company == invited
