from ninja import Schema
from pydantic import Field


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict] | None = Field(default=None)
