"""Shapes shared by several resources."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from app.services.numbers import NotANumber, parse_number, parse_whole_number

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list with the total number of matching items."""

    items: list[T]
    total: int
    limit: int
    offset: int


class WriteSummary(BaseModel):
    """What a batch write did: counts of inserted, updated and unchanged rows."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"received": 120, "inserted": 100, "updated": 15, "unchanged": 5}
    ]})

    received: int
    inserted: int
    updated: int
    unchanged: int


def _number(value: object) -> float:
    number = parse_number(value)
    if isinstance(number, NotANumber):
        raise PydanticCustomError(number.code, number.message)
    return number


def _whole_number(value: object) -> object:
    if value is None:
        return None  # an optional field left empty; a required one says so itself
    number = parse_whole_number(value)
    if isinstance(number, NotANumber):
        raise PydanticCustomError(number.code, number.message)
    return number


Number = Annotated[float, BeforeValidator(_number)]
"""A JSON number, or a string holding a plain ASCII decimal (:mod:`app.services.numbers`, the reader of
import files too): ``"1,5"``, ``"1_0"``, ``"٥"`` and ``true`` are refused, not read as 15, 10, 5 and 1."""

WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""A whole :data:`Number` (``2024``, ``"2024"``, ``2024.0``)."""

NumberOrText = Annotated[
    StrictFloat | StrictInt | StrictStr | StrictBool | None,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]}),
]
"""A value read later by :func:`app.services.numbers.parse_number`, so that its problems are listed with
the row's other problems: taken as sent (a boolean too, to be refused there rather than read as 1)."""
