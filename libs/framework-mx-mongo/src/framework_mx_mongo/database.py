"""The client, database and transactions every Mongo adapter of one application shares."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from bson.codec_options import CodecOptions
from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure, PyMongoError

from framework_m_core.errors import AdapterError, ConfigurationError
from framework_m_core.meta import DocTypeMeta

from .config import MongoConfig, redact
from .errors import translated

CODEC: CodecOptions[dict[str, Any]] = CodecOptions(
    tz_aware=True,
    tzinfo=dt.UTC,
    uuid_representation=4,  # 4: the standard binary UUID form
)

Document = dict[str, Any]

TRANSACTIONS_HINT = (
    "MongoDB runs transactions only on a replica set or a sharded cluster; this server is a "
    "standalone. Start it as a one-member replica set (mongod --replSet rs0, then "
    "rs.initiate() once) and add ?replicaSet=rs0 to the URL"
)


_NO_TRANSACTIONS = {20, 263}  # IllegalOperation, OperationNotSupportedInTransaction


class MongoTransaction:
    """One unit of work: a client session, inside a multi-document transaction once it writes."""

    def __init__(self, session: AsyncClientSession) -> None:
        self.session = session
        self.open = True


class MongoDatabase:
    """One ``AsyncMongoClient`` per application (it pools connections itself); create once,
    ``close`` at shutdown."""

    def __init__(self, config: MongoConfig) -> None:
        self.config = config
        self._client: AsyncMongoClient[Document] | None = None
        self._db: AsyncDatabase[Document] | None = None
        self._transactions_checked = False
        self._collections: set[str] | None = None
        # Serializes write transactions in single-writer mode (see require_transactions).
        self._write_lock = asyncio.Lock() if config.single_writer else None
        self.active: ContextVar[MongoTransaction | None] = ContextVar(
            f"framework_m_mongo_{id(self)}", default=None
        )

    @property
    def client(self) -> AsyncMongoClient[Document]:
        if self._client is None:
            self._client = AsyncMongoClient(
                self.config.url,
                tz_aware=True,
                tzinfo=dt.UTC,
                uuidRepresentation="standard",
                serverSelectionTimeoutMS=self.config.timeout_ms,
                connectTimeoutMS=self.config.timeout_ms,
                appname="framework-m",
                # Transactions take these from the client (not from a database object): a commit
                # is acknowledged only once a majority has it, so a fail-over cannot undo it.
                w="majority",
                readConcernLevel="majority",
            )
        return self._client

    @property
    def db(self) -> AsyncDatabase[Document]:
        if self._db is None:
            self._db = self.client.get_database(self.config.database_name, codec_options=CODEC)
        return self._db

    def collection(self, name: str) -> AsyncCollection[Document]:
        return self.db.get_collection(name)

    async def of(self, meta: DocTypeMeta) -> AsyncCollection[Document]:
        """The collection of a DocType, named exactly like it. It must exist: MongoDB would create a
        missing one on the first write, without the unique name index or the validator."""
        if self._collections is None or meta.name not in self._collections:
            with translated():
                self._collections = set(await self.db.list_collection_names())
            if meta.name not in self._collections:
                raise AdapterError(
                    f"MongoDB has no collection for {meta.name}: sync the schema first (starting "
                    "the application does it)"
                )
        return self.collection(meta.name)

    def forget_collections(self) -> None:
        """Collections were created or dropped: look them up again on next use."""
        self._collections = None

    async def require_transactions(self) -> None:
        """Stop with a ConfigurationError naming the fix when the deployment cannot run transactions.

        Asked by trying one (a read, then aborted): a standalone MongoDB refuses it. A server that
        runs it while reporting a standalone topology is a MongoDB-compatible one (mongoeco, say)
        whose concurrency we cannot assume; unless configured otherwise it gets ``single_writer``.
        Done once, before the first transaction."""
        if self._transactions_checked:
            return
        with translated():
            hello = await self.client.admin.command("hello")
            async with self.client.start_session() as session:
                await session.start_transaction()
                try:
                    await self.collection("fm_naming_series").find_one({}, session=session)
                except OperationFailure as exc:
                    if exc.code in _NO_TRANSACTIONS or "replica set" in str(exc):
                        raise ConfigurationError(
                            f"{redact(self.config.url)}: {TRANSACTIONS_HINT}"
                        ) from None
                    raise
                finally:
                    if session.in_transaction:
                        await session.abort_transaction()
        standalone = not hello.get("setName") and hello.get("msg") != "isdbgrid"
        if self.config.single_writer is None and standalone and self._write_lock is None:
            self._write_lock = asyncio.Lock()
        self._transactions_checked = True

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[MongoTransaction]:
        """A session; writes run in a transaction that commits when the block exits normally and is
        aborted (everything written in it undone) when the block raises."""
        await self.require_transactions()
        async with self.exclusive(write):
            with translated():
                session = self.client.start_session(causal_consistency=True)
            try:
                tx = MongoTransaction(session)
                token = self.active.set(tx)
                try:
                    if write:
                        with translated():
                            await session.start_transaction()
                    yield tx
                except BaseException:
                    tx.open = False
                    if session.in_transaction:
                        with translated():
                            await session.abort_transaction()
                    raise
                else:
                    # A read-only unit that wrote anyway started its transaction then (see
                    # ``writable``): it commits here like any other.
                    tx.open = False
                    if session.in_transaction:
                        try:
                            with translated():
                                await session.commit_transaction()
                        except BaseException:
                            await self._forget(session)
                            raise
                finally:
                    tx.open = False
                    self.active.reset(token)
            finally:
                await session.end_session()

    @asynccontextmanager
    async def exclusive(self, write: bool = True) -> AsyncIterator[None]:
        """In single-writer mode, hold the process's write lock for a write (a no-op otherwise)."""
        lock = self._write_lock if write else None
        if lock is None:
            yield
            return
        async with lock:
            yield

    async def writable(self, tx: MongoTransaction) -> AsyncClientSession:
        """The session to write with: in a transaction, started now if the unit began as a read."""
        if not tx.session.in_transaction:
            with translated():
                await tx.session.start_transaction()
        return tx.session

    @property
    def single_writer(self) -> bool:
        return self._write_lock is not None

    async def _forget(self, session: AsyncClientSession) -> None:
        """After a failed commit, make sure the server holds nothing for this session: a server that
        kept the transaction open would hand it to the next operation that reuses the session id, so
        the id is also kept out of the driver's pool."""
        server_session = getattr(session, "_server_session", None)  # no public way to retire an id
        if server_session is not None:
            server_session.mark_dirty()
        with contextlib.suppress(PyMongoError):
            await self.client.admin.command({"endSessions": [session.session_id]})

    def describe(self) -> Mapping[str, str]:
        return {"mongodb": f"{redact(self.config.url)} (database {self.config.database_name})"}

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
            self._db = None


def mongo_tx(tx: Any) -> MongoTransaction:
    if not isinstance(tx, MongoTransaction) or not tx.open:
        raise AdapterError("the Mongo adapters need an open transaction from the Mongo UnitOfWork")
    return tx
