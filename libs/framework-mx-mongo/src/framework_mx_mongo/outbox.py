"""Mongo Outbox: events in ``fm_outbox``, written in the document's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from framework_m_core.events import DomainEvent
from framework_m_core.types import Transaction

from .database import MongoDatabase, mongo_tx
from .errors import translated

COLLECTION = "fm_outbox"


def _document(event: DomainEvent) -> dict[str, Any]:
    return {
        "_id": event.id,
        "type": event.type,
        "doctype": event.doctype,
        "document_id": event.document_id,
        "document_name": event.document_name,
        # Exact to the microsecond (a BSON date would keep milliseconds); "at" is for people and
        # TTL indexes.
        "time": event.time.isoformat(),
        "at": event.time,
        "actor": event.actor,
        "tenant": event.tenant,
        "source": event.source,
        "data": event.data,
        "published_at": None,
    }


def _event(document: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        id=document["_id"],
        type=document["type"],
        doctype=document["doctype"],
        document_id=document["document_id"],
        document_name=document.get("document_name"),
        time=datetime.fromisoformat(document["time"]),
        actor=document["actor"],
        data=document.get("data") or {},
        tenant=document.get("tenant"),
        source=document.get("source") or "framework-m",
    )


class MongoOutbox:
    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    async def append(self, tx: Transaction, events: Sequence[DomainEvent]) -> None:
        if not events:
            return
        session = await self.database.writable(mongo_tx(tx))
        with translated("outbox"):
            await self.database.collection(COLLECTION).insert_many(
                [_document(e) for e in events], ordered=True, session=session
            )

    async def pending(self, limit: int = 100) -> list[DomainEvent]:
        with translated("outbox"):
            cursor = (
                self.database.collection(COLLECTION)
                .find({"published_at": {"$eq": None}})
                .sort("_id", 1)
                .limit(limit)
            )
            return [_event(d) async for d in cursor]

    async def mark_published(self, event_ids: Sequence[UUID]) -> None:
        if not event_ids:
            return
        async with self.database.exclusive():
            with translated("outbox"):
                await self.database.collection(COLLECTION).update_many(
                    {"_id": {"$in": list(event_ids)}, "published_at": {"$eq": None}},
                    {"$set": {"published_at": datetime.now(UTC)}},
                )
