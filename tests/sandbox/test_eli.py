"""European Legislation Identifiers are checked in form, never fetched: an http(s) address
with an `eli` segment followed by the segments that name the act."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ponte.sandbox.eli import clean_eli


@pytest.mark.parametrize(
    "eli",
    [
        "http://data.europa.eu/eli/reg/2016/679/oj",
        "https://www.retsinformation.dk/eli/lta/2021/1174",
        "https://data.dre.pt/eli/dec-lei/135/1999/04/22/p/dre/pt/html",
        "http://www.ejustice.just.fgov.be/eli/loi/2016/03/15/2016009137/justel",
        "https://legilux.public.lu/eli/etat/leg/loi/2019/07/12/a498/jo/",
    ],
)
def test_identifiers_published_by_countries_are_accepted(eli):
    assert clean_eli(f" {eli} ") == eli


@pytest.mark.parametrize(
    "text",
    [
        "data.europa.eu/eli/reg/2016/679/oj",
        "ftp://data.europa.eu/eli/reg/2016/679/oj",
        "https://example.org/act/2021/1174",
        "https://example.org/eli/reg",
        "https://example.org/eli/",
        "https://example.org/eli/reg/2016?lang=en",
        "https://example.org/eli/reg/2016#art1",
        "javascript:alert(1)//eli/reg/2016",
        "https://example.org/eli/reg/" + "9" * 500,
        "http://[::1",
    ],
)
def test_anything_else_is_refused_saying_what_an_eli_looks_like(text):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        clean_eli(text)
    assert "European Legislation Identifier" in error.value.message_dict["eli"][0]


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_identifier_is_none(empty):
    assert clean_eli(empty) == ""
