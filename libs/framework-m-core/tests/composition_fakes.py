"""What the fake distributions of the composition tests point at: adapters and start-up steps.

The ``install`` fixture (conftest.py) writes a real ``*.dist-info`` whose entry points name
``fixtures:<attribute>``; the fixture rewrites ``fixtures`` to this module's published name, so
selection and bootstrap load these classes and factories exactly as they would a package's.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Callable
from typing import Any

from framework_m_core.composition import AdapterEnv
from framework_m_core.memory import MemoryRepository, MemoryStore, MemoryUnitOfWork
from framework_m_core.ports import Repository

# Entry-point values must be dotted module names; pytest's importlib mode names this module after its
# path (with hyphens), so the fakes below are also published under a plain name.
FIXTURES = "framework_m_composition_fixtures"
sys.modules[FIXTURES] = sys.modules[__name__]

Install = Callable[..., list[importlib.metadata.EntryPoint]]
"""The ``install`` fixture: (distribution name, version, entry_points.txt) → its entry points."""


# --- adapters and steps that the fake distributions point at ---------------------------------------


class SqlRepository(MemoryRepository):
    pass


class MongoRepository(MemoryRepository):
    pass


class CouchRepository(MemoryRepository):
    pass


def sql_repository(env: AdapterEnv) -> SqlRepository:
    return SqlRepository()


def mongo_repository(env: AdapterEnv) -> MongoRepository:
    return MongoRepository()


def couch_repository(env: AdapterEnv) -> CouchRepository:
    return CouchRepository()


def mongo_unit_of_work(env: AdapterEnv) -> MemoryUnitOfWork:
    return MemoryUnitOfWork(env.shared("mongo.client", MemoryStore))


def mongo_outbox(env: AdapterEnv) -> Any:
    from framework_m_core.memory import MemoryOutbox

    return MemoryOutbox(env.shared("mongo.client", MemoryStore))


class BrokenRepository:
    async def insert(self, tx: Any, meta: Any, records: Any) -> None: ...

    def get(self, tx: Any, meta: Any, id: Any, *, include_deleted: bool = False) -> None: ...


def broken_repository(env: AdapterEnv) -> BrokenRepository:
    return BrokenRepository()


def failing_repository(env: AdapterEnv) -> Repository:
    raise RuntimeError("cannot reach mongodb://nowhere")


class Step:
    overrides = False

    def __init__(self, name: str, order: int) -> None:
        self.name, self.order = name, order

    async def run(self, runtime: Any) -> None:
        runtime.append(f"{self.name}@{type(self).__name__}")


class SyncSchema(Step):
    def __init__(self) -> None:
        super().__init__("sync_schema", 10)


class StartRelay(Step):
    def __init__(self) -> None:
        super().__init__("start_relay", 20)


class AlsoTwenty(Step):
    def __init__(self) -> None:
        super().__init__("a_step", 20)


class MongoSyncSchema(Step):
    overrides = True

    def __init__(self) -> None:
        super().__init__("sync_schema", 10)


class OtherSyncSchema(MongoSyncSchema):
    pass


class Exploding(Step):
    def __init__(self) -> None:
        super().__init__("explode", 5)

    async def run(self, runtime: Any) -> None:
        raise RuntimeError("boom")


class NoOrder:
    name = "no_order"

    async def run(self, runtime: Any) -> None: ...
