"""PyMongo errors → the core taxonomy, the original chained (callers never see a driver exception)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bson.errors import BSONError
from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WriteError,
)

from framework_m_core.errors import (
    AdapterError,
    Conflict,
    DuplicateName,
    FieldError,
    FrameworkError,
    ValidationError,
)

from .codec import Unstorable

_DUPLICATE_KEY = 11000
_DOCUMENT_FAILED_VALIDATION = 121
_WRITE_CONFLICT = 112


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def translate(exc: BaseException, doctype: str | None = None) -> FrameworkError:
    """The core error for a PyMongo/BSON error (unknown ones become AdapterError)."""
    what = doctype or "document"
    details = {"doctype": doctype} if doctype else {}
    message = _first_line(exc)
    if isinstance(exc, BulkWriteError):
        first = (exc.details.get("writeErrors") or [{}])[0]
        if first.get("code") == _DUPLICATE_KEY:
            keys = first.get("keyValue") or {}
            taken = ", ".join(f"{k}={v!r}" for k, v in keys.items()) or first.get("errmsg", "")
            return DuplicateName(f"{what} already exists: {taken}", details=details)
        if first.get("code") == _DOCUMENT_FAILED_VALIDATION:
            return ValidationError(
                f"{what} was refused by the collection's validator",
                [FieldError([], str(first.get("errmsg", message)), "constraint")],
            )
    if isinstance(exc, DuplicateKeyError):
        keys = (exc.details or {}).get("keyValue") or {}
        taken = ", ".join(f"{k}={v!r}" for k, v in keys.items()) or message
        return DuplicateName(f"{what} already exists: {taken}", details=details)
    if isinstance(exc, WriteError) and exc.code == _DOCUMENT_FAILED_VALIDATION:
        return ValidationError(
            f"{what} was refused by the collection's validator",
            [FieldError([], message, "constraint")],
        )
    if isinstance(exc, OperationFailure) and (
        exc.code == _WRITE_CONFLICT
        or exc.has_error_label("TransientTransactionError")
        or "write conflict" in message.lower()
    ):
        return Conflict(f"{what}: the transaction collided with another; retry", retryable=True)
    if isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError"):
        return Conflict(f"{what}: the transaction collided with another; retry", retryable=True)
    if isinstance(exc, PyMongoError) and exc.has_error_label("UnknownTransactionCommitResult"):
        return AdapterError(
            f"MongoDB could not confirm the commit (it may have happened): {message}"
        )
    if isinstance(exc, BSONError | OverflowError | Unstorable):
        return ValidationError(
            f"{what} holds a value MongoDB cannot store: {message}",
            [FieldError([], message, "invalid_value")],
        )
    if isinstance(exc, ServerSelectionTimeoutError | ConnectionFailure):
        return AdapterError(f"MongoDB is unreachable: {message}")
    return AdapterError(f"MongoDB failed: {message}")


@contextmanager
def translated(doctype: str | None = None) -> Iterator[None]:
    try:
        yield
    except FrameworkError:
        raise
    except (PyMongoError, BSONError, OverflowError, Unstorable) as exc:
        raise translate(exc, doctype) from exc
