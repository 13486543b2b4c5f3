"""Entry-point factories: installing the package makes these the adapters of the persistence ports
(each is then the only adapter not named ``default``), sharing one ``MongoDatabase`` per application."""

from __future__ import annotations

from framework_m_core.composition import AdapterEnv

from .clock import MillisecondClock
from .config import mongo_config
from .database import MongoDatabase
from .naming_counter import MongoNamingCounter
from .outbox import MongoOutbox
from .repository import MongoRepository
from .schema_manager import MongoSchemaManager
from .unit_of_work import MongoUnitOfWork


def database(env: AdapterEnv) -> MongoDatabase:
    return env.shared(
        "mongo.database",
        lambda: MongoDatabase(mongo_config(env.settings)),
        close=MongoDatabase.close,
    )


def repository(env: AdapterEnv) -> MongoRepository:
    return MongoRepository(database(env))


def unit_of_work(env: AdapterEnv) -> MongoUnitOfWork:
    return MongoUnitOfWork(database(env))


def schema_manager(env: AdapterEnv) -> MongoSchemaManager:
    return MongoSchemaManager(database(env))


def naming_counter(env: AdapterEnv) -> MongoNamingCounter:
    return MongoNamingCounter(database(env))


def outbox(env: AdapterEnv) -> MongoOutbox:
    return MongoOutbox(database(env))


def clock(env: AdapterEnv) -> MillisecondClock:
    return MillisecondClock()
