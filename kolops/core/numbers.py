"""Whole numbers a column can store, and the input types that keep to them.

Both databases store integers in 64 bits: a larger one raises OverflowError on SQLite and an
out-of-range error on PostgreSQL. Inputs (API schemas, documents, forms, cursors, the request
guard) check against these bounds instead of letting such a value reach a query.
"""

from typing import Annotated

from pydantic import Field, StrictInt

MIN_BIGINT = -(2**63)
MAX_BIGINT = 2**63 - 1

# JSON integers within 64 bits: `true`, 1.5 or "1" are not.
Count = Annotated[StrictInt, Field(ge=0, le=MAX_BIGINT)]
Id = Annotated[StrictInt, Field(ge=1, le=MAX_BIGINT)]
