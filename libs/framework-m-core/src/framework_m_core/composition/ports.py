"""The ports the composition fills, by the names used in configuration and entry-point groups.

The names match the Kernel's keyword arguments, so ``Kernel(registry, **container.implementations())``
needs no translation table.
"""

from __future__ import annotations

from ..ports import (
    Cache,
    Clock,
    EventBus,
    IdGenerator,
    JobQueue,
    NamingCounter,
    Outbox,
    Permission,
    Repository,
    SchemaManager,
    UnitOfWork,
)

PORTS: dict[str, type] = {
    "repository": Repository,
    "unit_of_work": UnitOfWork,
    "schema_manager": SchemaManager,
    "naming_counter": NamingCounter,
    "outbox": Outbox,
    "event_bus": EventBus,
    "cache": Cache,
    "job_queue": JobQueue,
    "permission": Permission,
    "clock": Clock,
    "id_generator": IdGenerator,
}


def port_name(port: type) -> str:
    """The configuration name of ``port`` (its class name for a port outside ``PORTS``)."""
    for name, protocol in PORTS.items():
        if protocol is port:
            return name
    return port.__name__
