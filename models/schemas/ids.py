"""The identifiers a client sends (a beneficiary, a contract, a claim…): positive and within the database's
integer, so that an impossible one is a 422 naming its field, not a database error — PostgreSQL's integer
is 32 bits (the stateful fuzz on PostgreSQL sent 2**40 as a beneficiary and got a 500)."""

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1
"""The largest identifier any table can hold (PostgreSQL ``integer``); path ids above it are a 404."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
