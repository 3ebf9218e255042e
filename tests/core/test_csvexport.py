"""CSV exports stream what organisations typed, and a spreadsheet never runs it as a formula."""

import csv
import io

import pytest

from ponte.core.csvexport import csv_response, safe_cell
from tests.factories import CompanyFactory


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://example.com","click")', '\'=HYPERLINK("http://example.com","click")'),
        ("+1 555", "'+1 555"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("Civic Data Labs", "Civic Data Labs"),
        ("-12.50", "-12.50"),
        (42, 42),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_is_written_as_text(typed, written):
    assert safe_cell(typed) == written


def test_the_response_streams_every_row_with_its_cells_made_safe():
    response = csv_response(iter([["name", "value"], ["=1+1", "-3"]]), "things.csv")
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [["name", "value"], ["'=1+1", "-3"]]


@pytest.mark.django_db
def test_the_organisations_export_neutralises_a_formula_in_a_name(client):
    CompanyFactory(name="=cmd|'/C calc'!A0", status="verified")
    text = b"".join(client.get("/organisations/export.csv").streaming_content).decode()
    assert "'=cmd|" in text and "\n=cmd" not in text and ",=cmd" not in text
