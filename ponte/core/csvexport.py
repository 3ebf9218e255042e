"""Open data as CSV, streamed row by row so that a national-scale export never sits in memory.

Cells are text that organisations and companies typed. A spreadsheet runs a cell that starts
with "=", "+", "-", "@" or a tab as a formula, so such text is written with a leading
apostrophe (the OWASP advice on CSV injection); numbers are left as they are.
"""

import csv
import re

from django.http import StreamingHttpResponse

_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class _Echo:
    def write(self, value):
        return value


def safe_cell(value):
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(cell) for cell in row]) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
