"""Adapter selection: which installed adapter fills each port, and why.

Adapters are installed the way a package installs them (the ``install`` fixture writes a real
``*.dist-info``), so distribution names and versions in messages are the real thing. Covers the
in-memory fallbacks, default and non-default adapters, configuration that pins or blocks one, and the
errors for ambiguous, unknown, duplicate, non-conforming or failing adapters.
"""

from __future__ import annotations

import uuid

import pytest

from framework_m_core.builtin import DocShare
from framework_m_core.composition import Container, Settings, load_settings, select_adapters
from framework_m_core.errors import ConfigurationError
from framework_m_core.memory import MemoryRepository, SystemClock, UUID7Generator
from framework_m_core.meta import DocTypeMeta
from framework_m_core.permissions import RolePermissionPolicy
from framework_m_core.ports import (
    Clock,
    IdGenerator,
    Outbox,
    Permission,
    Repository,
    SchemaManager,
    UnitOfWork,
)

from .composition_fakes import CouchRepository, Install, MongoRepository, SqlRepository

STANDARD = """
    [framework_m.adapters.repository]
    default = fixtures:sql_repository
"""
MONGO = """
    [framework_m.adapters.repository]
    mongo = fixtures:mongo_repository
    [framework_m.adapters.unit_of_work]
    mongo = fixtures:mongo_unit_of_work
    [framework_m.adapters.outbox]
    mongo = fixtures:mongo_outbox
"""
COUCH = """
    [framework_m.adapters.repository]
    couch = fixtures:couch_repository
"""


def choice_of(container: Container, port: str) -> tuple[str, str]:
    (choice,) = [c for c in container.choices() if c.port == port]
    return choice.name, choice.reason


@pytest.mark.anyio
async def test_nothing_installed_means_memory_fallbacks_over_one_store() -> None:
    container = select_adapters(Settings(), entry_points=[])

    assert {c.name for c in container.choices()} == {"memory"}
    assert choice_of(container, "repository")[1] == "built-in in-memory fallback"
    assert isinstance(container.get(Permission), RolePermissionPolicy)
    assert isinstance(container.get(Clock), SystemClock)
    assert isinstance(container.get(IdGenerator), UUID7Generator)
    uow, schema = container.get(UnitOfWork), container.get(SchemaManager)
    assert uow.store is schema.store is container.get(Outbox).store  # type: ignore[attr-defined]

    meta = DocTypeMeta.of(DocShare, app="core")
    repository = container.get(Repository)
    await schema.sync([meta])
    record = {"id": uuid.uuid4(), "name": "share-1"}
    async with uow.transaction() as tx:
        await repository.insert(tx, meta, [record])
    async with uow.transaction() as tx:
        assert await repository.get(tx, meta, record["id"]) == record


def test_default_adapter_is_used_when_it_is_the_only_one(install: Install) -> None:
    container = select_adapters(Settings(), install("framework-m-standard", "0.1.0", STANDARD))

    assert isinstance(container.get(Repository), SqlRepository)
    assert choice_of(container, "repository") == ("default", "default")
    assert choice_of(container, "clock") == ("memory", "built-in in-memory fallback")


def test_single_non_default_adapter_wins_over_default(install: Install) -> None:
    eps = install("framework-m-standard", "0.1.0", STANDARD) + install(
        "framework-mx-mongo", "0.1.0", MONGO
    )
    container = select_adapters(Settings(), eps)

    assert isinstance(container.get(Repository), MongoRepository)
    assert choice_of(container, "repository") == (
        "mongo",
        "only non-default adapter installed (framework-mx-mongo 0.1.0)",
    )
    (choice,) = [c for c in container.choices() if c.port == "repository"]
    assert (choice.distribution, choice.version) == ("framework-mx-mongo", "0.1.0")
    uow, outbox = container.get(UnitOfWork), container.get(Outbox)
    assert uow.store is outbox.store  # type: ignore[attr-defined]  # env.shared, one "client"


def test_two_non_default_adapters_without_configuration_name_both_and_the_setting(
    install: Install,
) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO) + install(
        "framework-mx-couch", "0.2.0", COUCH
    )

    with pytest.raises(ConfigurationError) as caught:
        select_adapters(Settings(), eps)

    message = caught.value.message
    assert "'couch' (framework-mx-couch 0.2.0)" in message
    assert "'mongo' (framework-mx-mongo 0.1.0)" in message
    assert '[adapters] repository = "couch"` in framework_config.toml' in message
    assert "FRAMEWORK_M_ADAPTERS__REPOSITORY=couch" in message


def test_configuration_pins_one_of_several(install: Install) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO) + install(
        "framework-mx-couch", "0.2.0", COUCH
    )
    settings = load_settings(env={"FRAMEWORK_M_ADAPTERS__REPOSITORY": "couch"})

    container = select_adapters(settings, eps)

    assert isinstance(container.get(Repository), CouchRepository)
    assert choice_of(container, "repository") == (
        "couch",
        "configured in environment variable FRAMEWORK_M_ADAPTERS__REPOSITORY",
    )


def test_memory_is_chosen_only_by_configuration_when_others_exist(install: Install) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO)

    container = select_adapters(Settings(adapters={"repository": "memory"}), eps)

    assert type(container.get(Repository)) is MemoryRepository
    assert choice_of(container, "repository") == ("memory", "configured in settings")


def test_configured_adapter_that_is_not_installed_lists_the_available_ones(
    install: Install,
) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO)

    with pytest.raises(ConfigurationError, match="'sql', which is not installed") as caught:
        select_adapters(Settings(adapters={"repository": "sql"}), eps)

    assert "'mongo' (framework-mx-mongo 0.1.0)" in caught.value.message
    assert "'memory' (built into framework-m-core)" in caught.value.message


@pytest.mark.parametrize(
    "blocked", ["repository:mongo", "framework_mx_mongo", "Framework-MX-Mongo"]
)
def test_blocked_adapters_are_skipped(install: Install, blocked: str) -> None:
    eps = install("framework-m-standard", "0.1.0", STANDARD) + install(
        "framework-mx-mongo", "0.1.0", MONGO
    )

    container = select_adapters(Settings(blocked_adapters=[blocked]), eps)

    assert choice_of(container, "repository") == ("default", "default")


def test_blocking_one_of_two_leaves_the_other_and_says_so(install: Install) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO) + install(
        "framework-mx-couch", "0.2.0", COUCH
    )

    container = select_adapters(Settings(blocked_adapters=["repository:mongo"]), eps)

    assert choice_of(container, "repository") == (
        "couch",
        "only non-default adapter installed (framework-mx-couch 0.2.0; 1 blocked)",
    )


def test_configuring_a_blocked_adapter_is_an_error(install: Install) -> None:
    eps = install("framework-mx-mongo", "0.1.0", MONGO)
    settings = Settings(adapters={"repository": "mongo"}, blocked_adapters=["framework-mx-mongo"])

    with pytest.raises(ConfigurationError, match="blocked by blocked_adapters"):
        select_adapters(settings, eps)


def test_unknown_port_in_configuration_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown port.*repo; known ports: repository"):
        select_adapters(Settings(adapters={"repo": "mongo"}), entry_points=[])


def test_same_adapter_name_from_two_distributions_is_an_error(install: Install) -> None:
    other = "[framework_m.adapters.repository]\nmongo = fixtures:couch_repository\n"
    eps = install("framework-mx-mongo", "0.1.0", MONGO) + install("mongo-fork", "9.0", other)

    with pytest.raises(
        ConfigurationError, match="two repository adapters are named 'mongo'"
    ) as caught:
        select_adapters(Settings(), eps)

    assert "framework-mx-mongo 0.1.0" in caught.value.message
    assert "mongo-fork 9.0" in caught.value.message


def test_non_conforming_adapter_fails_at_selection_naming_missing_methods(install: Install) -> None:
    eps = install(
        "framework-mx-broken",
        "0.0.1",
        "[framework_m.adapters.repository]\nbroken = fixtures:broken_repository\n",
    )

    with pytest.raises(ConfigurationError) as caught:
        select_adapters(Settings(), eps)

    message = caught.value.message
    assert "repository adapter 'broken' (framework-mx-broken 0.0.1)" in message
    assert "missing methods get_by_name, list, count, update, mark_deleted, delete" in message
    assert "get must be 'async def'" in message
    assert "insert" not in message


@pytest.mark.parametrize(
    ("factory", "expected"),
    [
        (
            "fixtures:failing_repository",
            "failed to start: RuntimeError: cannot reach mongodb://nowhere",
        ),
        ("fixtures:no_such_factory", "cannot load repository adapter 'bad'"),
        ("framework_m_no_such_module:factory", "ModuleNotFoundError"),
    ],
)
def test_adapter_that_cannot_load_or_start_is_a_configuration_error(
    install: Install, factory: str, expected: str
) -> None:
    eps = install(
        "framework-mx-bad", "0.1.0", f"[framework_m.adapters.repository]\nbad = {factory}\n"
    )

    with pytest.raises(ConfigurationError, match=expected):
        select_adapters(Settings(), eps)
