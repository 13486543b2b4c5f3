"""Composition: settings, adapter selection, conformity checks and start-up steps.

Adapters and steps are installed the way a package installs them: each test writes a real
``*.dist-info`` (METADATA + entry_points.txt) and hands its ``importlib.metadata`` entry points to
selection, so distribution names and versions in messages are the real thing.
"""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from framework_m_core.builtin import DocShare
from framework_m_core.composition import (
    AdapterEnv,
    Container,
    Settings,
    check_conforms,
    collect_steps,
    load_settings,
    run_bootstrap,
    select_adapters,
)
from framework_m_core.errors import ConfigurationError
from framework_m_core.memory import (
    MemoryRepository,
    MemoryStore,
    MemoryUnitOfWork,
    SystemClock,
    UUID7Generator,
)
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

# Entry-point values must be dotted module names; pytest's importlib mode names this module after its
# path (with hyphens), so the fixtures below are also published under a plain name.
FIXTURES = "framework_m_composition_fixtures"
sys.modules[FIXTURES] = sys.modules[__name__]


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


# --- helpers ---------------------------------------------------------------------------------------

Install = Callable[..., list[importlib.metadata.EntryPoint]]


@pytest.fixture
def install(tmp_path: Path) -> Install:
    """Write a distribution's metadata and return its entry points (bound to the distribution)."""

    def _install(name: str, version: str, entry_points: str) -> list[importlib.metadata.EntryPoint]:
        root = tmp_path / name
        info = root / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        text = textwrap.dedent(entry_points).replace("fixtures:", f"{FIXTURES}:")
        (info / "entry_points.txt").write_text(text)
        (dist,) = importlib.metadata.distributions(path=[str(root)])
        return list(dist.entry_points)

    return _install


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


# --- selection -------------------------------------------------------------------------------------


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


# --- container and conformity ----------------------------------------------------------------------


def test_container_checks_registrations_and_reports_choices() -> None:
    container = Container()
    with pytest.raises(ConfigurationError, match="no adapter is registered for the clock port"):
        container.get(Clock)
    assert container.find(Clock) is None

    container.register(
        Clock, SystemClock(), name="system", distribution="acme-clock", version="2.0"
    )
    assert Clock in container
    assert container.choices()[0].to_dict() == {
        "port": "clock",
        "name": "system",
        "distribution": "acme-clock",
        "version": "2.0",
        "reason": "registered in code",
    }
    assert set(container.implementations()) == {"clock"}
    with pytest.raises(ConfigurationError, match=r"clock adapter 'bad'.*missing method now"):
        container.register(Clock, object(), name="bad")


class AsyncClock:
    async def now(self) -> None: ...


class ClockNeedingZone:
    def now(self, zone: str) -> None: ...


@pytest.mark.parametrize(
    ("impl", "expected"),
    [
        (AsyncClock(), "now must be a plain 'def', not 'async def'"),
        (ClockNeedingZone(), "now cannot take the port's arguments"),
    ],
)
def test_check_conforms_catches_wrong_kind_and_signature(impl: object, expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        check_conforms("clock", Clock, impl, "clock adapter 'x'")


# --- bootstrap -------------------------------------------------------------------------------------

STEPS = """
    [framework_m.bootstrap]
    start_relay = fixtures:StartRelay
    sync_schema = fixtures:SyncSchema
    a_step = fixtures:AlsoTwenty
"""


@pytest.mark.anyio
async def test_steps_run_in_order_then_name(install: Install) -> None:
    steps = collect_steps(Settings(), install("framework-m-standard", "0.1.0", STEPS))
    ran: list[str] = []

    await run_bootstrap(steps, ran)

    assert ran == ["sync_schema@SyncSchema", "a_step@AlsoTwenty", "start_relay@StartRelay"]
    assert "framework-m-standard 0.1.0" in steps[0].source


@pytest.mark.anyio
async def test_a_step_with_overrides_replaces_the_same_name(install: Install) -> None:
    eps = install("framework-m-standard", "0.1.0", STEPS) + install(
        "framework-mx-mongo",
        "0.1.0",
        "[framework_m.bootstrap]\nsync_schema = fixtures:MongoSyncSchema\n",
    )
    ran: list[str] = []

    await run_bootstrap(collect_steps(Settings(), eps), ran)

    assert ran[0] == "sync_schema@MongoSyncSchema"
    assert len(ran) == 3


def test_disabled_steps_are_skipped_and_unknown_names_rejected(install: Install) -> None:
    eps = install("framework-m-standard", "0.1.0", STEPS)

    steps = collect_steps(Settings(bootstrap_disabled=["start_relay"]), eps)
    assert [s.name for s in steps] == ["sync_schema", "a_step"]

    with pytest.raises(ConfigurationError, match=r"unknown step.*start_rleay"):
        collect_steps(Settings(bootstrap_disabled=["start_rleay"]), eps)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("SyncSchema", "SyncSchema", "two bootstrap steps are named 'sync_schema'"),
        ("MongoSyncSchema", "OtherSyncSchema", "bootstrap step 'sync_schema' is overridden twice"),
    ],
)
def test_conflicting_steps_name_both_sources(
    install: Install, first: str, second: str, expected: str
) -> None:
    eps = install("pkg-one", "1.0", f"[framework_m.bootstrap]\nsync_schema = fixtures:{first}\n")
    eps += install("pkg-two", "2.0", f"[framework_m.bootstrap]\nsync_schema = fixtures:{second}\n")

    with pytest.raises(ConfigurationError, match=expected) as caught:
        collect_steps(Settings(), eps)

    assert "pkg-one 1.0" in caught.value.message
    assert "pkg-two 2.0" in caught.value.message


def test_a_step_without_order_is_rejected(install: Install) -> None:
    eps = install("pkg", "1.0", "[framework_m.bootstrap]\nno_order = fixtures:NoOrder\n")

    with pytest.raises(ConfigurationError, match="has no integer 'order'"):
        collect_steps(Settings(), eps)


@pytest.mark.anyio
async def test_a_failing_step_stops_start_up_and_names_itself(install: Install) -> None:
    eps = install("pkg", "1.0", "[framework_m.bootstrap]\nexplode = fixtures:Exploding\n")

    with pytest.raises(RuntimeError, match="boom") as caught:
        await run_bootstrap(collect_steps(Settings(), eps), [])

    assert any("bootstrap step 'explode'" in note for note in caught.value.__notes__)


# --- settings --------------------------------------------------------------------------------------

CONFIG = """
apps = ["crm", "billing"]
dev_mode = true
blocked_adapters = ["cache:redis"]

[adapters]
cache = "redis"
repository = "sql"

[database]
url = "sqlite+aiosqlite:///app.db"
pool_size = 5
"""


def test_settings_from_toml_overlaid_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "framework_config.toml").write_text(CONFIG)
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)  # found by searching upwards
    env = {
        "FRAMEWORK_M_ADAPTERS__CACHE": "memory",
        "FRAMEWORK_M_APPS": "crm, sales",
        "FRAMEWORK_M_DATABASE__URL": "postgresql+asyncpg://db/app",
        "UNRELATED": "x",
    }

    settings = load_settings(env=env)

    assert settings.path == tmp_path / "framework_config.toml"
    assert settings.apps == ["crm", "sales"]
    assert settings.adapters == {"cache": "memory", "repository": "sql"}
    assert settings.blocked_adapters == ["cache:redis"]
    assert settings.dev_mode is True
    assert settings.section("database") == {"url": "postgresql+asyncpg://db/app", "pool_size": 5}
    assert settings.section("missing") == {}
    assert settings.origin("adapters.cache") == "environment variable FRAMEWORK_M_ADAPTERS__CACHE"
    assert settings.origin("adapters.repository") == str(tmp_path / "framework_config.toml")


def test_settings_file_from_environment_variable_and_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('[adapters]\nclock = "memory"\n')
    monkeypatch.chdir(tmp_path)

    assert load_settings(env={"FRAMEWORK_M_CONFIG": str(config)}).adapters == {"clock": "memory"}
    defaults = load_settings(env={})
    assert (defaults.path, defaults.apps, defaults.adapters, defaults.dev_mode) == (
        None,
        None,
        {},
        False,
    )


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("apps = [\n", {}, r"framework_config.toml: invalid TOML"),
        (
            "[adapters]\ncache = 3\n",
            {},
            r"framework_config.toml: invalid value for 'adapters.cache'",
        ),
        ('dev_mode = "sometimes"\n', {}, r"framework_config.toml: invalid value for 'dev_mode'"),
        (
            "",
            {"FRAMEWORK_M_DEV_MODE": "maybe"},
            r"variable FRAMEWORK_M_DEV_MODE: invalid value for 'dev_mode'",
        ),
        ('database = "x"\n', {"FRAMEWORK_M_DATABASE__URL": "y"}, r"'database' is not a table"),
    ],
)
def test_bad_configuration_names_the_file_or_variable_and_key(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text(text)

    with pytest.raises(ConfigurationError, match=expected):
        load_settings(config, env=env)


def test_an_explicit_configuration_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})
