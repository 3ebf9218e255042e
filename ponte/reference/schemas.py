"""API schemas of reference data, the same in every module's API."""

from ninja import Schema


class CpvOut(Schema):
    code: str
    label: str
