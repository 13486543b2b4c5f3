"""Domain events: what the Kernel writes to the Outbox and publishes after commit (CloudEvents-shaped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """An immutable fact about one document.

    ``type`` is the action (``created``, ``updated``, ``deleted``, ``submitted``, ``cancelled``,
    ``amended``); ``subject`` is ``doc.<DocType>.<type>``, a NATS-style dotted topic. Consumers must be
    idempotent on ``id``.
    """

    id: UUID
    type: str
    doctype: str
    document_id: UUID
    document_name: str | None
    time: datetime
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    tenant: str | None = None
    source: str = "framework-m"

    @property
    def subject(self) -> str:
        return f"doc.{self.doctype}.{self.type}"

    def to_cloudevent(self) -> dict[str, Any]:
        """The CloudEvents 1.0 JSON form (``data`` is kept as given; it is JSON-compatible)."""
        return {
            "specversion": "1.0",
            "id": str(self.id),
            "type": f"framework_m.doc.{self.type}",
            "source": self.source,
            "subject": self.subject,
            "time": self.time.isoformat(),
            "datacontenttype": "application/json",
            "data": self.data,
            "doctype": self.doctype,
            "documentid": str(self.document_id),
            "documentname": self.document_name,
            "actor": self.actor,
            "tenant": self.tenant,
        }


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS-style matching: ``*`` is one token, a final ``>`` is one or more tokens."""
    p_tokens, s_tokens = pattern.split("."), subject.split(".")
    for i, token in enumerate(p_tokens):
        if token == ">" and i == len(p_tokens) - 1:
            return len(s_tokens) > i
        if i >= len(s_tokens) or (token != "*" and token != s_tokens[i]):
            return False
    return len(p_tokens) == len(s_tokens)
