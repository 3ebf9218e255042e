"""What every module's API is built from: problem details (RFC 9457) and bounded pagination."""

from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import Field


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict] | None = Field(default=None)


MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1


class LimitOffset(LimitOffsetPagination):
    """`limit` and `offset`, bounded so that no request can ask the database for a
    number it cannot hold (which would be a server error, not a helpful 422)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
