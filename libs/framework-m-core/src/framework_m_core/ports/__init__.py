"""The ports: one typing.Protocol per module, each implemented in memory by ``framework_m_core.memory``."""

from .cache import Cache
from .clock import Clock
from .event_bus import EventBus, Subscription
from .id_generator import IdGenerator
from .job_queue import JobHandler, JobQueue
from .naming_counter import NamingCounter
from .outbox import Outbox
from .permission import Permission
from .repository import Repository
from .schema_manager import MigratedSchema, SchemaManager
from .unit_of_work import UnitOfWork

__all__ = [
    "Cache",
    "Clock",
    "EventBus",
    "IdGenerator",
    "JobHandler",
    "JobQueue",
    "MigratedSchema",
    "NamingCounter",
    "Outbox",
    "Permission",
    "Repository",
    "SchemaManager",
    "Subscription",
    "UnitOfWork",
]
