"""Bounded types for query parameters (issue 16): every number, date and text a client can put in a query string
has limits in its type, so an impossible value is a 422 naming its parameter before anything reaches the
database. Unbounded, ``?page=99999999999999999999`` or ``?date_to=9999-12-31`` made SQLite overflow and
PostgreSQL refuse the query: a 500, and on PostgreSQL the SQL and its parameters in the log.

``tests/server/test_query_bounds.py`` walks every route of the app and fails for a query parameter whose type is
not bounded (a number without a maximum, a date without a range, a text without a maximum length, a list without
a maximum count)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from models.schemas.ids import MAX_ID

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
"""Dates a query may name: from the oldest birth date to well beyond any contract; 9999-12-31 is refused."""
MAX_PAGE = 1_000_000
"""No list has that many pages; (page - 1) × page size stays far within any database integer."""
MAX_QUERY_TEXT = 100
MAX_QUERY_ITEMS = 20
"""At most this many values for a repeated parameter (``?status=paid&status=pending``)."""

QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
QueryDate = Annotated[date, Field(ge=MIN_DATE, le=MAX_DATE)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
QueryText = Annotated[str, Field(max_length=MAX_QUERY_TEXT)]
