"""Framework M on MongoDB: the persistence ports on the PyMongo async API (``AsyncMongoClient``).

Installing the package is the whole switch: its entry points make these the selected adapters. The
classes are exported for tests and for applications that compose adapters by hand."""

from .clock import MillisecondClock
from .config import MongoConfig, mongo_config
from .database import MongoDatabase, MongoTransaction
from .naming_counter import MongoNamingCounter
from .outbox import MongoOutbox
from .repository import MongoRepository
from .schema_manager import MongoSchemaManager
from .unit_of_work import MongoUnitOfWork

__all__ = [
    "MillisecondClock",
    "MongoConfig",
    "MongoDatabase",
    "MongoNamingCounter",
    "MongoOutbox",
    "MongoRepository",
    "MongoSchemaManager",
    "MongoTransaction",
    "MongoUnitOfWork",
    "mongo_config",
]
