"""Settings: ``framework_config.toml`` (found upwards or named by ``FRAMEWORK_M_CONFIG``) overlaid by
``FRAMEWORK_M_*`` environment variables, the origin of each value, and errors that name the file or
variable and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework_m_core.composition import load_settings
from framework_m_core.errors import ConfigurationError

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
