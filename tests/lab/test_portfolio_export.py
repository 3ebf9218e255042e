"""The portfolio as CSV: the projects the reader may see, with the page's filters, one row
each; text a spreadsheet would run as a formula is written as text."""

import csv
import io

from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .conftest import advance

URL = "/lab/projects/export.csv"


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_lab_team_downloads_every_project_and_filters_by_stage(
    login, sponsored, member, sponsor, programme_manager
):
    advance(sponsored, member, sponsor)
    client = login(programme_manager)
    [row] = _rows(client.get(URL))
    assert row["title"] == sponsored.title
    assert (row["stage"], row["status"], row["sponsorship"]) == ("co_create", "active", "accepted")
    assert row["budget_eur"] == "15000.00"
    assert row["url"].endswith(sponsored.get_absolute_url())
    assert _rows(client.get(URL, {"stage": "investigate"})) == []
    assert len(_rows(client.get(URL, {"stage": "co_create", "facet": "nonsense"}))) == 1


def test_a_company_member_downloads_no_project_and_a_visitor_is_asked_to_sign_in(login, project):
    company_member = MembershipFactory(organisation=CompanyFactory()).user
    assert _rows(login(company_member).get(URL)) == []
    response = login(None).get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_a_title_a_spreadsheet_would_run_is_written_as_text(login, project, sponsor):
    project.title = '=HYPERLINK("http://example.com")'
    project.save(update_fields=["title"])
    [row] = _rows(login(sponsor).get(URL))
    assert row["title"].startswith("'=")


def test_a_sponsor_reads_the_whole_portfolio(login, project):
    other_sponsor = UserFactory(is_sponsor=True)
    assert len(_rows(login(other_sponsor).get(URL))) == 1
