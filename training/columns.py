"""The column types and helpers every model uses (``training.models`` names them too)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import DateTime, TypeDecorator


def limited(limit: int, column: str, **kwargs: Any) -> Any:
    """A text column of at most ``limit`` characters (``training.limits``) on every database:
    ``VARCHAR(limit)``, which PostgreSQL enforces, and a named CHECK (``ck_<table>_<column>_
    length``), which SQLite enforces too (it ignores VARCHAR lengths)."""
    check = CheckConstraint(f'length("{column}") <= {limit}', name=f"{column}_length")
    return mapped_column(String(limit), check, **kwargs)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
