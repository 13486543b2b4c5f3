"""The Customer endpoints written by hand with Litestar and asyncpg: the baseline of ``run.py``.

Served as ``uvicorn handwritten:create_app --factory`` on the framework's own tables. It answers the
same routes with the same JSON shapes and does the same database work per request as the framework
(see ``LIKE_FOR_LIKE`` in ``run.py``), so the ratio framework/hand-written is the cost of the
framework's layers, not of HTTP, JSON or PostgreSQL. Configured by two environment variables:
``HANDWRITTEN_DATABASE_URL`` (a ``postgresql://`` URL) and ``HANDWRITTEN_JWT_SECRET`` (the
framework's ``[auth] secret_key``, so both servers accept the same access token).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import asyncpg  # type: ignore[import-untyped]
import jwt
import msgspec
from litestar import Litestar, Request, get, patch, post
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
)

ISSUER = AUDIENCE = "framework-m"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "sid"]
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_LIMIT = 1000

COLUMNS = (
    "id",
    "name",
    "owner",
    "creation",
    "modified",
    "modified_by",
    "version",
    "docstatus",
    "amended_from",
    "customer_name",
    "customer_type",
    "email",
    "territory",
    "credit_limit",
    "disabled",
)
SELECT = f"SELECT {', '.join(COLUMNS)} FROM customer"
BY_ID = f"{SELECT} WHERE id = $1 AND deleted_at IS NULL"
BY_NAME = f"{SELECT} WHERE name = $1 AND deleted_at IS NULL"
INSERT = (
    f"INSERT INTO customer ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join(f'${i}' for i in range(1, len(COLUMNS) + 1))})"
)
INSERT_EVENT = (
    "INSERT INTO fm_outbox (id, type, doctype, document_id, document_name, time, actor, tenant, "
    "source, data, published_at) VALUES ($1, $2, 'Customer', $3, $4, $5, $6, NULL, 'framework-m', "
    "$7, NULL)"
)
MARK_PUBLISHED = (
    "UPDATE fm_outbox SET published_at = $1 WHERE id = ANY($2::uuid[]) AND published_at IS NULL"
)
EXISTS = "SELECT version FROM customer WHERE id = $1 AND deleted_at IS NULL"
READY = "SELECT count(*) FROM doc_share WHERE deleted_at IS NULL"
FILTERABLE = frozenset(COLUMNS) - {"id"}
WRITABLE = ("customer_name", "customer_type", "email", "territory", "credit_limit", "disabled")


class CustomerIn(msgspec.Struct, forbid_unknown_fields=True):
    """The body of a create; msgspec checks it while decoding, as Litestar does for a typed body."""

    customer_name: Annotated[str, msgspec.Meta(min_length=1, max_length=140)]
    customer_type: Literal["Company", "Individual"] = "Company"
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=EMAIL)] | None = None
    territory: Annotated[str, msgspec.Meta(max_length=140)] | None = None
    credit_limit: Decimal = Decimal("0")
    disabled: bool = False


class CustomerPatch(msgspec.Struct, forbid_unknown_fields=True):
    """The body of a PATCH: only the fields sent change; ``version`` is the optimistic check."""

    customer_name: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=140)] | msgspec.UnsetType
    ) = msgspec.UNSET
    customer_type: Literal["Company", "Individual"] | msgspec.UnsetType = msgspec.UNSET
    email: (
        Annotated[str, msgspec.Meta(max_length=254, pattern=EMAIL)] | msgspec.UnsetType | None
    ) = msgspec.UNSET
    territory: Annotated[str, msgspec.Meta(max_length=140)] | msgspec.UnsetType | None = (
        msgspec.UNSET
    )
    credit_limit: Decimal | msgspec.UnsetType = msgspec.UNSET
    disabled: bool | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType = msgspec.UNSET


def uuid7() -> uuid.UUID:
    """A time-ordered id as the framework makes them (48 bits of milliseconds, then random bits).

    Written out rather than imported: importing ``framework_m_core`` would load the whole framework
    into the baseline and blur its start-up and memory figures."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (ms << 80)
        | (0x7 << 76)
        | ((rand >> 62) & 0xFFF) << 64
        | (0b10 << 62)
        | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


def check_credit_limit(value: Decimal) -> Decimal:
    if value < 0 or value != value.quantize(Decimal("0.01")) or abs(value) >= Decimal(10) ** 16:
        raise ClientException("credit_limit must be >= 0 with at most 16 digits and 2 decimals")
    return value


def as_event_data(doc: dict[str, Any]) -> str:
    """The document as the JSON text of an ``fm_outbox.data`` value."""
    return msgspec.json.encode(doc).decode()


class Store:
    """The pool and the signing key, built in the lifespan and kept on ``app.state``."""

    def __init__(self, pool: Any, secret: str) -> None:
        self.pool = pool
        self.secret = secret
        self.updates: dict[tuple[str, ...], str] = {}

    def user(self, request: Request[Any, Any, Any]) -> str:
        """Verify the bearer JWT as the framework does: HS256, issuer, audience, required claims."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            raise NotAuthorizedException("a Bearer token is required")
        try:
            claims = jwt.decode(
                token.strip(),
                self.secret,
                algorithms=["HS256"],
                issuer=ISSUER,
                audience=AUDIENCE,
                leeway=5,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError:
            raise NotAuthorizedException("the access token is not valid") from None
        return str(claims["sub"])

    async def published(self, event_id: uuid.UUID) -> None:
        await self.pool.execute(MARK_PUBLISHED, datetime.now(UTC), [event_id])

    def update_statement(self, fields: tuple[str, ...], checked: bool) -> str:
        """``UPDATE customer SET <fields>, version = version + 1 …`` for one set of sent fields."""
        key = (*fields, "+version" if checked else "")
        statement = self.updates.get(key)
        if statement is None:
            sets = [f"{f} = ${i}" for i, f in enumerate(fields, start=2)]
            n = len(fields) + 2
            sets += [f"modified = ${n}", f"modified_by = ${n + 1}", "version = version + 1"]
            where = "id = $1 AND deleted_at IS NULL" + (
                f" AND version = ${n + 2}" if checked else ""
            )
            statement = (
                f"UPDATE customer SET {', '.join(sets)} WHERE {where} "
                f"RETURNING {', '.join(COLUMNS)}"
            )
            self.updates[key] = statement
        return statement


def store(request: Request[Any, Any, Any]) -> Store:
    found: Store = request.app.state.store
    return found


async def fetch_one(conn: Any, key: str) -> Any:
    try:
        return await conn.fetchrow(BY_ID, uuid.UUID(key))
    except ValueError:
        return await conn.fetchrow(BY_NAME, key)


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready")
async def ready(request: Request[Any, Any, Any]) -> dict[str, str]:
    await store(request).pool.fetchval(READY)
    return {"status": "ready"}


@get("/api/v1/Customer/{key:str}")
async def get_customer(request: Request[Any, Any, Any], key: str) -> dict[str, Any]:
    s = store(request)
    s.user(request)
    async with s.pool.acquire() as conn:
        row = await fetch_one(conn, key)
    if row is None:
        raise NotFoundException(f"Customer {key} not found")
    return dict(row)


def where_clause(filters: str | None) -> tuple[str, list[Any]]:
    """``[["field", "=", value], …]`` (the only form the benchmark sends) as SQL and arguments."""
    clauses, args = ["deleted_at IS NULL"], []
    try:
        parsed = json.loads(filters) if filters else []
    except ValueError:
        raise ClientException("filters is not valid JSON") from None
    for item in parsed:
        if not (
            isinstance(item, list) and len(item) == 3 and item[1] == "=" and item[0] in FILTERABLE
        ):
            raise ClientException(f"unsupported filter {item!r}")
        args.append(item[2])
        clauses.append(f"{item[0]} = ${len(args)}")
    return " AND ".join(clauses), args


@get("/api/v1/Customer")
async def list_customers(
    request: Request[Any, Any, Any],
    filters: str | None = None,
    limit: int = 20,
    offset: int = 0,
    with_total: bool = True,
) -> dict[str, Any]:
    s = store(request)
    s.user(request)
    if not (1 <= limit <= MAX_LIMIT and offset >= 0):
        raise ClientException("limit or offset out of range")
    where, args = where_clause(filters)
    n = len(args)
    page_sql = f"{SELECT} WHERE {where} ORDER BY modified DESC, id LIMIT ${n + 1} OFFSET ${n + 2}"
    async with s.pool.acquire() as conn:
        rows = await conn.fetch(page_sql, *args, limit + 1, offset)
        total = (
            await conn.fetchval(f"SELECT count(*) FROM customer WHERE {where}", *args)
            if with_total
            else None
        )
    body: dict[str, Any] = {
        "items": [dict(r) for r in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "has_more": len(rows) > limit,
    }
    if total is not None:
        body["total"] = total
    return body


@post("/api/v1/Customer")
async def create_customer(request: Request[Any, Any, Any], data: CustomerIn) -> dict[str, Any]:
    """The row and its ``created`` event in one transaction, then the event marked published."""
    s = store(request)
    user = s.user(request)
    now = datetime.now(UTC)
    doc: dict[str, Any] = {
        "id": uuid7(),
        "name": data.customer_name,
        "owner": user,
        "creation": now,
        "modified": now,
        "modified_by": user,
        "version": 1,
        "docstatus": 0,
        "amended_from": None,
        "customer_name": data.customer_name,
        "customer_type": data.customer_type,
        "email": data.email,
        "territory": data.territory,
        "credit_limit": check_credit_limit(data.credit_limit),
        "disabled": data.disabled,
    }
    event_id = uuid7()
    try:
        async with s.pool.acquire() as conn, conn.transaction():
            await conn.execute(INSERT, *doc.values())
            await conn.execute(
                INSERT_EVENT,
                event_id,
                "created",
                doc["id"],
                doc["name"],
                now,
                user,
                as_event_data(doc),
            )
    except asyncpg.UniqueViolationError:
        raise HTTPException(
            status_code=409, detail=f"Customer {data.customer_name} exists"
        ) from None
    await s.published(event_id)
    return doc


@patch("/api/v1/Customer/{key:str}")
async def update_customer(
    request: Request[Any, Any, Any], key: str, data: CustomerPatch
) -> dict[str, Any]:
    """Change the sent fields, checking and bumping ``version`` in the UPDATE; write the event."""
    s = store(request)
    user = s.user(request)
    try:
        doc_id = uuid.UUID(key)
    except ValueError:
        raise NotFoundException(f"Customer {key} not found") from None
    sent = {f: getattr(data, f) for f in WRITABLE if getattr(data, f) is not msgspec.UNSET}
    if "credit_limit" in sent:
        check_credit_limit(sent["credit_limit"])
    checked = data.version is not msgspec.UNSET
    statement = s.update_statement(tuple(sent), checked)
    now = datetime.now(UTC)
    args = [doc_id, *sent.values(), now, user, *([data.version] if checked else [])]
    event_id = uuid7()
    async with s.pool.acquire() as conn:
        async with conn.transaction():
            row = await conn.fetchrow(statement, *args)
            if row is not None:
                doc = dict(row)
                event = as_event_data({**doc, "changed": list(sent)})
                await conn.execute(
                    INSERT_EVENT, event_id, "updated", doc_id, doc["name"], now, user, event
                )
        if row is None:
            if await conn.fetchval(EXISTS, doc_id) is None:
                raise NotFoundException(f"Customer {key} not found")
            raise HTTPException(status_code=409, detail="the document was changed meanwhile")
    await s.published(event_id)
    return doc


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """Given back to the pool as the framework's connections are: an open transaction is rolled
    back (asyncpg always does that), without asyncpg's default reset query (``RESET ALL``, ``UNLISTEN
    *``, …: a round trip on every release, for session state this app never sets)."""

    def get_reset_query(self) -> str:
        return ""


def create_app() -> Litestar:
    """The uvicorn factory: one asyncpg pool sized like the framework's (10 + 20 overflow)."""
    url = os.environ["HANDWRITTEN_DATABASE_URL"]
    secret = os.environ["HANDWRITTEN_JWT_SECRET"]

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with asyncpg.create_pool(
            url, min_size=1, max_size=30, connection_class=PooledConnection
        ) as pool:
            app.state.store = Store(pool, secret)
            yield

    return Litestar(
        route_handlers=[
            health,
            ready,
            get_customer,
            list_customers,
            create_customer,
            update_customer,
        ],
        lifespan=[lifespan],
        debug=False,
    )
