"""Amounts of money as people type them, in any of Ponte's languages.

"18500", "18 500", "18,500.50" and "18.500,50" are all read the way their writer meant:
when both separators appear, the last one marks the decimals; when only one appears, it
marks the decimals if one or two digits follow it at the end, and groups thousands when
it repeats ("1.234.567"). One mark before three digits ("12,345") is read as the active
language reads it. Anything else is not an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import get_format

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DECIMALS = re.compile(r"^(?P<whole>.*)[.,](?P<cents>\d{1,2})$")
_SHAPE = re.compile(r"^\d+(\.\d{1,2})?$")


def parse_amount(typed) -> Decimal | None:
    """The amount typed, or None when it is not one (the caller says what to type)."""
    if isinstance(typed, Decimal | int) and not isinstance(typed, bool):
        return Decimal(typed)
    if not isinstance(typed, str):
        return None
    text = _SPACES.sub("", typed).removeprefix("€").removesuffix("€").removeprefix("EUR").removesuffix("EUR")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    else:
        match = _DECIMALS.match(text)
        if match and not re.search(r"[.,]", match["whole"]):
            text = f"{match['whole']}.{match['cents']}"
        elif re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", text):
            # "12,345" or "1.001": one mark before three digits reads as the reader's language
            # reads it; the decimal reading is then refused as a fraction of a cent.
            mark = text[-4]
            text = text.replace(mark, "." if mark == get_format("DECIMAL_SEPARATOR") else "")
        elif re.fullmatch(r"[1-9]\d{0,2}([.,]\d{3})+", text) and len(set(re.findall(r"[.,]", text))) == 1:
            text = re.sub(r"[.,]", "", text)
    if not _SHAPE.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
