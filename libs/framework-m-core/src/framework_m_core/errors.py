"""One error taxonomy for every adapter and interface.

Each error carries a stable machine ``code``. The web layer answers with problem+json whose status
belongs to the error's class (the nearest class in its MRO that has one) and whose code is the
error's own: an application's ``class Overbooked(ValidationError): code = "overbooked"`` is a 422
with code ``overbooked``. The CLI prints the message as one line and exits 1. Adapters translate
driver errors into these with ``raise ... from exc`` so callers never see a driver exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar


class FrameworkError(Exception):
    """Base of every error Framework M raises on purpose."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description: the machine code, the message and any details."""
        return {"code": self.code, "message": self.message, **self.details}


class FieldError(dict[str, Any]):
    """One problem with one input location (``loc`` is the path, e.g. ``["items", 0, "qty"]``)."""

    def __init__(self, loc: Sequence[str | int], message: str, type: str = "invalid") -> None:
        super().__init__(loc=list(loc), message=message, type=type)


class ValidationError(FrameworkError):
    """Input or document state is invalid; ``errors`` lists each bad field."""

    code = "validation"

    def __init__(self, message: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message, details={"errors": list(errors)})
        self.errors = list(errors)


class QueryError(ValidationError):
    """A filter, ordering, field selection or page request is malformed."""

    code = "invalid_query"


class PermissionDenied(FrameworkError):
    code = "permission_denied"


class Unauthenticated(FrameworkError):
    """Credentials were presented but are not valid (wrong password, expired token, revoked key)."""

    code = "unauthenticated"


class RateLimited(FrameworkError):
    """Too many attempts; ``retry_after`` says in how many seconds to try again."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class NotFound(FrameworkError):
    code = "not_found"


class Conflict(FrameworkError):
    """The operation conflicts with the current state; ``retryable`` says whether a retry may succeed."""

    code = "conflict"

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details={"retryable": retryable, **(details or {})})
        self.retryable = retryable


class VersionConflict(Conflict):
    """The caller edited a stale version of the document (optimistic concurrency)."""

    code = "version_conflict"


class DuplicateName(Conflict):
    code = "duplicate_name"


class LinkValidation(ValidationError):
    """A Link points at a document that does not exist, or a delete would orphan links."""

    code = "link_validation"


class DocumentSubmitted(FrameworkError):
    """The document is submitted or cancelled and the operation would change it."""

    code = "document_submitted"


class InvalidTransition(FrameworkError):
    """The operation is not allowed from the document's current docstatus."""

    code = "invalid_transition"


class ConfigurationError(FrameworkError):
    """The application or its composition is misconfigured; raised at start-up."""

    code = "configuration"


class MissingDependencyError(ConfigurationError):
    """An optional dependency is not installed; the message names what to install."""

    code = "missing_dependency"


class AdapterError(FrameworkError):
    """An adapter failed for a reason that is not the caller's fault (the cause is chained)."""

    code = "adapter"


__all__ = [
    "AdapterError",
    "ConfigurationError",
    "Conflict",
    "DocumentSubmitted",
    "DuplicateName",
    "FieldError",
    "FrameworkError",
    "InvalidTransition",
    "LinkValidation",
    "MissingDependencyError",
    "NotFound",
    "PermissionDenied",
    "QueryError",
    "RateLimited",
    "Unauthenticated",
    "ValidationError",
    "VersionConflict",
]
