"""Settings: ``framework_config.toml`` overlaid with ``FRAMEWORK_M_*`` environment variables.

The file is the project's committed choice; the environment lets one deployment differ without editing it.
Every value remembers where it came from, so an error (or ``m info``) can point at the exact file or
variable to change.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..errors import ConfigurationError

M = TypeVar("M", bound=BaseModel)

CONFIG_FILE = "framework_config.toml"
CONFIG_ENV = "FRAMEWORK_M_CONFIG"
ENV_PREFIX = "FRAMEWORK_M_"
_LIST_KEYS = frozenset({"apps", "blocked_adapters", "bootstrap_disabled"})


class Settings(BaseModel):
    """What the operator decided. Unknown top-level tables (``[database]``…) are kept for adapters and
    read with ``section``."""

    model_config = ConfigDict(extra="allow", frozen=True)

    apps: list[str] | None = None
    """Apps to load, in this order (after the built-in ``core`` app); ``None`` loads every installed app."""
    adapters: dict[str, str] = Field(default_factory=dict)
    """Port name → adapter entry-point name, pinning the choice for that port."""
    blocked_adapters: list[str] = Field(default_factory=list)
    """``"port:name"`` entries or whole distribution names that selection must ignore."""
    bootstrap_disabled: list[str] = Field(default_factory=list)
    """Names of start-up steps to skip."""
    dev_mode: bool = False

    _path: Path | None = PrivateAttr(default=None)
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> Path | None:
        """The configuration file these settings were read from, if any."""
        return self._path

    def origin(self, key: str) -> str:
        """Where the dotted ``key`` (e.g. ``"adapters.cache"``) was set: a file, a variable or code."""
        return _origin(key, self._origins, self._path)

    def parse_section(self, name: str, model: type[M], data: Mapping[str, Any] | None = None) -> M:
        """``[name]`` (or ``data`` derived from it) validated as ``model``; a bad value is a
        ConfigurationError naming the file or variable that set it."""
        try:
            return model.model_validate(self.section(name) if data is None else data)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"])
            raise ConfigurationError(
                f"{self.origin(f'{name}.{key}')}: invalid {name}.{key}: {first['msg']}"
            ) from None

    def section(self, name: str) -> dict[str, Any]:
        """An adapter's own table, e.g. ``section("database")`` for ``[database]`` (empty if absent)."""
        value = (self.model_extra or {}).get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ConfigurationError(
                f"{self.origin(name)}: {name!r} must be a table, not {value!r}"
            )
        return dict(value)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``framework_config.toml`` in ``start`` (default: the current directory) or above."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigurationError(f"configuration file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigurationError(f"cannot read configuration file {path}: {exc}") from exc


def _overlay_env(data: dict[str, Any], env: Mapping[str, str], origins: dict[str, str]) -> None:
    """``FRAMEWORK_M_A__B=v`` sets ``data["a"]["b"] = v``; list settings take comma-separated values."""
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or var == CONFIG_ENV:
            continue
        parts = [p.lower() for p in var[len(ENV_PREFIX) :].split("__")]
        if not all(parts):
            raise ConfigurationError(f"environment variable {var}: empty key segment")
        raw = env[var]
        is_list = len(parts) == 1 and parts[0] in _LIST_KEYS
        value: Any = [v.strip() for v in raw.split(",") if v.strip()] if is_list else raw
        node = data
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                where = ".".join(parts[: depth + 1])
                raise ConfigurationError(
                    f"environment variable {var}: {where!r} is not a table in the configuration"
                )
            node = child
        node[parts[-1]] = value
        origins[".".join(parts)] = f"environment variable {var}"


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the configuration file (``path``, else ``$FRAMEWORK_M_CONFIG``, else the nearest
    ``framework_config.toml`` upwards) and overlay ``FRAMEWORK_M_*`` variables from ``env``
    (default: ``os.environ``). No file at all means defaults.

    Raises ``ConfigurationError`` naming the file or variable and the key for bad TOML or bad values.
    """
    env = os.environ if env is None else env
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])
    if path is None:
        path = find_config()
    data: dict[str, Any] = _read_toml(path) if path is not None else {}
    origins: dict[str, str] = {}
    _overlay_env(data, env, origins)
    try:
        settings = Settings.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"])
            where = _origin(key, origins, path)
            problems.append(f"{where}: invalid value for {key!r}: {error['msg']}")
        raise ConfigurationError("; ".join(problems)) from None
    settings._path = path
    settings._origins = origins
    return settings


def _origin(key: str, origins: Mapping[str, str], path: Path | None) -> str:
    """The variable that set ``key`` or one of its parent tables, else the file, else code."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        found = origins.get(".".join(parts[:end]))
        if found is not None:
            return found
    return str(path) if path is not None else "settings"
