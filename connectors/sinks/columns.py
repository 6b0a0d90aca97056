"""SQL columns derived from a record's pydantic model, so a table follows its topic's schema:
a field the model gains becomes a column the sink adds, a type it changes is the type the
column is made with.

Scalars become typed columns; a nested model's scalar fields become `field_sub` columns (one
level, `region_code`); anything deeper or list-like is jsonb.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Union, get_args, get_origin

from psycopg.types.json import Jsonb
from pydantic import BaseModel

SQL_TYPES: dict[type, str] = {
    str: "text",
    int: "bigint",
    float: "double precision",
    Decimal: "numeric",
    bool: "boolean",
    datetime: "timestamptz",
    date: "date",
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    path: tuple[str, ...]

    def value(self, record: dict[str, Any], as_json: dict[str, Any]) -> Any:
        """This column's value in a record dumped twice: as Python (Decimal, datetime stay exact)
        and as JSON (for jsonb)."""
        if self.sql_type == "jsonb":
            found = _at(as_json, self.path)
            return None if found is None else Jsonb(found)
        found = _at(record, self.path)
        return found.value if isinstance(found, Enum) else found


def _at(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(record, dict):
            return None
        record = record.get(part)  # type: ignore[assignment]
    return record


def _optional_of(annotation: Any) -> Any:
    """`X | None` → X; anything else as it is."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _sql_type(annotation: Any) -> str:
    t = _optional_of(annotation)
    if isinstance(t, type):
        if issubclass(t, Enum):
            return "text"
        for python_type, sql in SQL_TYPES.items():
            if t is python_type:
                return sql
    return "jsonb"


def columns_of(model: type[BaseModel]) -> list[Column]:
    """The columns of a table whose rows are `model` records, in field order."""
    columns = []
    for name, field in model.model_fields.items():
        inner = _optional_of(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            for sub, subfield in inner.model_fields.items():
                columns.append(Column(f"{name}_{sub}", _sql_type(subfield.annotation), (name, sub)))
        else:
            columns.append(Column(name, _sql_type(field.annotation), (name,)))
    return columns
