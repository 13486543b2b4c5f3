"""Driver errors → the core taxonomy, with the original chained (callers never see a driver exception)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy.exc as sa_exc

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


def _sqlstate(exc: BaseException) -> str | None:
    orig: Any = getattr(exc, "orig", None)
    for attr in ("sqlstate", "pgcode"):
        value = getattr(orig, attr, None)
        if isinstance(value, str):
            return value
    return None


def _refused_by_bind(exc: BaseException) -> bool:
    return (
        isinstance(exc, sa_exc.StatementError)
        and not isinstance(exc, sa_exc.DBAPIError)
        and isinstance(exc.orig, ValueError | TypeError)
    )


def translate(exc: BaseException, doctype: str | None = None) -> FrameworkError:
    """The core error for a SQLAlchemy/driver error (unknown ones become AdapterError)."""
    message = (
        str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    )
    state = _sqlstate(exc)
    lowered = message.lower()
    details = {"doctype": doctype} if doctype else {}
    if isinstance(exc, sa_exc.IntegrityError):
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
    if (state or "").startswith("22") or _refused_by_bind(exc):
        # SQLSTATE class 22 (data exception: out of range, bad encoding…) or a column type refusing a
        # value before it reached the database (e.g. a naive datetime): the input is at fault.
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
    if isinstance(exc, OSError | ConnectionError) or "connect" in lowered:
        return AdapterError(f"the database is unreachable: {message}", details=details)
    return AdapterError(f"database error: {message}", details=details)


@contextmanager
def translated(doctype: str | None = None) -> Iterator[None]:
    """Run a block of database work; re-raise driver errors as core errors."""
    try:
        yield
    except FrameworkError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as exc:
        raise translate(exc, doctype) from exc
