"""Amounts typed the way people write them in Ponte's languages are read as meant, and
anything ambiguous or malformed is refused rather than guessed."""

from decimal import Decimal

import pytest
from django.utils import translation

from ponte.core.amounts import parse_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("18500", "18500"),
        ("18 500", "18500"),
        ("18\u00a0500,50 €", "18500.50"),
        ("18,500.50", "18500.50"),
        ("18.500,50", "18500.50"),
        ("18500,50", "18500.50"),
        ("18500.5", "18500.5"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("EUR 30000", "30000"),
    ],
)
@pytest.mark.parametrize("language", ["en", "pt-pt", "fr", "nl", "sl"])
def test_unambiguous_amounts_read_the_same_in_every_language(typed, amount, language):
    with translation.override(language):
        assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "1e5", "NaN", "Infinity", "0.001", "1,234.567", "18,50,0", "1.2.3", None, 3.5, True]
)
def test_what_is_no_amount_is_refused(typed):
    assert parse_amount(typed) is None


def test_one_mark_before_three_digits_reads_as_the_language_reads_it():
    with translation.override("en"):
        assert parse_amount("12,345") == Decimal("12345")
        assert parse_amount("1.001") is None  # a thousandth of a euro: refused, never 1,001
    with translation.override("fr"):
        assert parse_amount("12.345") == Decimal("12345")
        assert parse_amount("1,001") is None
