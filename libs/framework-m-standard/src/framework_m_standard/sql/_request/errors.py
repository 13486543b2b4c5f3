"""Driver errors → the core taxonomy, with the original chained (callers never see a driver exception).

The drivers' exceptions arrive wrapped in ``DriverError`` (``connections.py``), SQLAlchemy's (schema
work only) as SQLAlchemy wraps them; both carry the driver's exception as ``orig``, which is what is
classified: by SQLSTATE on PostgreSQL, by exception class and message on SQLite.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from framework_m_core.errors import (
    AdapterError,
    Conflict,
    DuplicateName,
    FieldError,
    FrameworkError,
    LinkValidation,
    ValidationError,
)

_RETRYABLE_STATES = {
    "40001",
    "40P01",
    "55P03",
}  # serialization failure, deadlock, lock not available


class DriverError(Exception):
    """A database driver's exception (``orig``) raised while sending ``statement``."""

    def __init__(self, orig: BaseException, statement: str) -> None:
        super().__init__(str(orig))
        self.orig = orig
        self.statement = statement


def _sqlstate(orig: Any) -> str | None:
    for attr in ("sqlstate", "pgcode"):
        value = getattr(orig, attr, None)
        if isinstance(value, str):
            return value
    return None


def _integrity(orig: BaseException, state: str | None) -> bool:
    return (state or "").startswith("23") or type(orig).__name__ == "IntegrityError"


def _refused_value(exc: BaseException, orig: BaseException) -> bool:
    """A value refused before it reached the database: by a codec (a naive datetime…) or by the
    driver's own encoding (a number too large for an integer column…)."""
    if isinstance(orig, OverflowError):
        return True
    # SQLAlchemy (schema work) reports a type's refusal as a StatementError that is no DBAPIError.
    wrapper = type(exc).__name__
    return wrapper == "StatementError" and isinstance(orig, ValueError | TypeError)


def translate(exc: BaseException, doctype: str | None = None) -> FrameworkError:
    """The core error for a driver or SQLAlchemy error (unknown ones become AdapterError)."""
    orig: BaseException = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    state = _sqlstate(orig)
    lowered = message.lower()
    details = {"doctype": doctype} if doctype else {}
    if _integrity(orig, state):
        if state == "23505" or "unique constraint" in lowered or "duplicate key" in lowered:
            return DuplicateName(
                f"{doctype or 'document'} already exists: {message}", details=details
            )
        if state == "23503" or "foreign key" in lowered:
            return LinkValidation(
                f"{doctype or 'document'} would break a link: {message}",
                [FieldError([], message, "foreign_key")],
            )
        return ValidationError(
            f"{doctype or 'document'} violates a constraint: {message}",
            [FieldError([], message, "constraint")],
        )
    if (state or "").startswith("22") or _refused_value(exc, orig):
        # SQLSTATE class 22 (data exception: out of range, bad encoding…) or a value refused before
        # it reached the database: the input is at fault.
        return ValidationError(
            f"{doctype or 'document'} has a value the database cannot store: {message}",
            [FieldError([], message, "invalid_value")],
        )
    if state in _RETRYABLE_STATES or "database is locked" in lowered or "deadlock" in lowered:
        return Conflict(
            f"the database aborted the transaction; retry it ({message})",
            retryable=True,
            details=details,
        )
    if (
        state == "42P01"
        or "no such table" in lowered
        or ("relation" in lowered and "does not exist" in lowered)
    ):
        return AdapterError(
            f"no storage for DocType {doctype!r}; run `m migrate upgrade` or enable dev-mode sync ({message})",
            details=details,
        )
    if isinstance(orig, OSError | ConnectionError) or "connect" in lowered:
        return AdapterError(f"the database is unreachable: {message}", details=details)
    return AdapterError(f"database error: {message}", details=details)


def _database_errors() -> tuple[type[BaseException], ...]:
    # SQLAlchemy is only loaded by schema work; when it is not, none of its errors can occur.
    sa_exc = sys.modules.get("sqlalchemy.exc")
    extra = (sa_exc.SQLAlchemyError,) if sa_exc is not None else ()
    return (DriverError, OSError, *extra)


@contextmanager
def translated(doctype: str | None = None) -> Iterator[None]:
    """Run a block of database work; re-raise driver errors as core errors."""
    try:
        yield
    except FrameworkError:
        raise
    except _database_errors() as exc:
        raise translate(exc, doctype) from exc


def refused_value(doctype: str, exc: Exception) -> ValidationError:
    """A value a column's codec cannot convert (a naive datetime, text where a UUID belongs…)."""
    message = f"{type(exc).__name__}: {exc}"
    return ValidationError(
        f"{doctype} has a value the database cannot store: {message}",
        [FieldError([], message, "invalid_value")],
    )
