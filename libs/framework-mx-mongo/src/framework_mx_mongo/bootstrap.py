"""The ``mongo_transactions`` start-up step: refuse to start on a deployment without transactions.

Every write of the Kernel (a document, its children and its outbox event) is one transaction; on a
standalone server MongoDB cannot run one, so instead of failing on the first save the application
stops at start-up with the fix. It runs before the schema is synced (order 90 < 100)."""

from __future__ import annotations

from framework_m_core.composition import Runtime

from .repository import MongoRepository


class RequireTransactions:
    name = "mongo_transactions"
    order = 90

    async def run(self, runtime: Runtime) -> None:
        repository = runtime.kernel.repository
        if isinstance(repository, MongoRepository):
            await repository.database.require_transactions()
