"""Adapter selection: which installed adapter fills each port, decided once at start-up.

Adapters register factories under the entry-point group ``framework_m.adapters.<port>``::

    [project.entry-points."framework_m.adapters.repository"]
    mongo = "framework_mx_mongo.adapters:repository"      # def repository(env: AdapterEnv) -> ...

The rule, per port: the name configured in ``[adapters]`` → the only installed adapter not named
``default`` → the one named ``default`` → core's built-in in-memory fallback ``memory``. Installing a
package therefore switches an adapter, and two competing packages stop start-up with a message that says
exactly which setting decides.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from ..errors import ConfigurationError, FrameworkError
from .container import Container
from .fallbacks import BUILTIN_FACTORIES, CORE_DISTRIBUTION, MEMORY
from .ports import PORTS
from .settings import CONFIG_FILE, ENV_PREFIX, Settings

ADAPTER_GROUP_PREFIX = "framework_m.adapters."
DEFAULT = "default"

T = TypeVar("T")


class AdapterEnv:
    """What an adapter factory receives: the settings, and a place to share one resource (an engine, a
    client, a store) between the adapters of one family. Lives for one composition."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._shared: dict[str, object] = {}
        self.closers: list[Callable[[], Awaitable[None]]] = []

    def shared(
        self,
        key: str,
        create: Callable[[], T],
        *,
        close: Callable[[T], Awaitable[None]] | None = None,
    ) -> T:
        """The object stored under ``key``, created by ``create`` on first use; ``close`` releases it
        when the application shuts down (``Container.aclose``)."""
        if key not in self._shared:
            resource = create()
            self._shared[key] = resource
            if close is not None:
                self.closers.append(lambda: close(resource))
        return cast(T, self._shared[key])


AdapterFactory = Callable[[AdapterEnv], Any]


@dataclass(frozen=True)
class Candidate:
    """One installed adapter for one port, not yet loaded."""

    port: str
    name: str
    entry_point: importlib.metadata.EntryPoint | None
    distribution: str | None
    version: str | None

    @property
    def label(self) -> str:
        """``'mongo' (framework-mx-mongo 0.1.0)`` — how messages name this adapter."""
        if self.entry_point is None:
            return f"{self.name!r} (built into {CORE_DISTRIBUTION})"
        if self.distribution is None:
            return f"{self.name!r} ({self.entry_point.value})"
        return f"{self.name!r} ({self.distribution} {self.version})"

    def load(self) -> AdapterFactory:
        if self.entry_point is None:
            return BUILTIN_FACTORIES[self.port]
        try:
            factory = self.entry_point.load()
        except Exception as exc:
            raise ConfigurationError(
                f"cannot load {self.port} adapter {self.label} from {self.entry_point.value!r}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not callable(factory):
            raise ConfigurationError(
                f"{self.port} adapter {self.label}: {self.entry_point.value!r} is not a factory "
                "taking an AdapterEnv"
            )
        return cast(AdapterFactory, factory)


def _normalize(distribution: str) -> str:
    return distribution.lower().replace("_", "-").replace(".", "-")


def _is_blocked(candidate: Candidate, blocked: Sequence[str]) -> bool:
    for entry in blocked:
        port, sep, name = entry.partition(":")
        if sep and port == candidate.port and name == candidate.name:
            return True
        dist = candidate.distribution
        if not sep and dist is not None and _normalize(entry) == _normalize(dist):
            return True
    return False


def _candidates(
    entry_points: Iterable[importlib.metadata.EntryPoint],
) -> dict[str, list[Candidate]]:
    """Installed adapters by port; the same name registered by two distributions is an error."""
    found: dict[str, dict[str, Candidate]] = {port: {} for port in PORTS}
    for ep in entry_points:
        if not ep.group.startswith(ADAPTER_GROUP_PREFIX):
            continue
        port = ep.group[len(ADAPTER_GROUP_PREFIX) :]
        if port not in found:
            continue  # a port this core does not know yet (a newer plugin); nothing can use it
        dist = ep.dist
        candidate = Candidate(
            port, ep.name, ep, dist.name if dist else None, dist.version if dist else None
        )
        previous = found[port].get(ep.name)
        if previous is not None and previous.entry_point != ep:
            raise ConfigurationError(
                f"two {port} adapters are named {ep.name!r}: {previous.label} and {candidate.label}; "
                f"uninstall one or block it with blocked_adapters in {CONFIG_FILE}"
            )
        found[port][ep.name] = candidate
    return {port: sorted(c.values(), key=lambda c: c.name) for port, c in found.items()}


def _builtin(port: str) -> Candidate:
    return Candidate(port, MEMORY, None, CORE_DISTRIBUTION, _version(CORE_DISTRIBUTION))


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _setting_hint(port: str, name: str) -> str:
    return (
        f'`[adapters] {port} = "{name}"` in {CONFIG_FILE} '
        f"or {ENV_PREFIX}ADAPTERS__{port.upper()}={name}"
    )


def choose(port: str, candidates: Sequence[Candidate], settings: Settings) -> tuple[Candidate, str]:
    """Apply the selection rule for ``port``; returns the winner and the reason it won."""
    allowed = [c for c in candidates if not _is_blocked(c, settings.blocked_adapters)]
    configured = settings.adapters.get(port)
    if configured is not None:
        origin = settings.origin(f"adapters.{port}")
        for candidate in allowed:
            if candidate.name == configured:
                return candidate, f"configured in {origin}"
        if configured == MEMORY:
            return _builtin(port), f"configured in {origin}"
        blocked = [c for c in candidates if c.name == configured]
        if blocked:
            raise ConfigurationError(
                f"{port} adapter {blocked[0].label} is configured in {origin} but blocked by "
                f"blocked_adapters {settings.blocked_adapters}"
            )
        available = [c.label for c in allowed] + [_builtin(port).label]
        raise ConfigurationError(
            f"{origin} selects {port} adapter {configured!r}, which is not installed; "
            f"available: {', '.join(available)}"
        )
    specific = [c for c in allowed if c.name != DEFAULT]
    if len(specific) == 1:
        only = specific[0]
        source = f"{only.distribution} {only.version}" if only.distribution else only.label
        skipped = sum(1 for c in candidates if c.name != DEFAULT) - 1
        note = f"; {skipped} blocked" if skipped else ""
        return only, f"only non-default adapter installed ({source}{note})"
    if len(specific) > 1:
        names = " and ".join(c.label for c in specific)
        raise ConfigurationError(
            f"{len(specific)} adapters are installed for the {port} port and none is configured: "
            f"{names}; choose one with {_setting_hint(port, specific[0].name)}",
            details={"port": port, "candidates": [c.name for c in specific]},
        )
    for candidate in allowed:
        if candidate.name == DEFAULT:
            return candidate, "default"
    return _builtin(port), "built-in in-memory fallback"


def select_adapters(
    settings: Settings,
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
    *,
    ports: Collection[str] | None = None,
) -> Container:
    """Choose, build and check an adapter for every port (see the module docstring for the rule),
    or only for ``ports`` (a tool that needs one adapter, as Studio asks the schema manager).

    ``entry_points`` replaces the installed ones (tests). Raises ``ConfigurationError`` for an unknown
    port in ``[adapters]`` or ``ports``, an ambiguous or missing choice, a factory that fails, or an
    adapter that does not satisfy its port — all before the first request.
    """
    unknown = sorted(set(settings.adapters) - set(PORTS))
    if unknown:
        raise ConfigurationError(
            f"{settings.origin('adapters.' + unknown[0])}: [adapters] names unknown port(s) "
            f"{', '.join(unknown)}; known ports: {', '.join(PORTS)}"
        )
    wanted = set(PORTS) if ports is None else set(ports)
    if wanted - set(PORTS):
        raise ConfigurationError(
            f"unknown port(s) {', '.join(sorted(wanted - set(PORTS)))}; known ports: "
            f"{', '.join(PORTS)}"
        )
    if entry_points is None:
        # One scan of the installed distributions for every port (each group asked for separately
        # would read every distribution's entry points again: ten scans of a start-up's cost).
        scanned = importlib.metadata.entry_points()
        entry_points = [
            ep for port in PORTS for ep in scanned.select(group=ADAPTER_GROUP_PREFIX + port)
        ]
    installed = _candidates(entry_points)
    env = AdapterEnv(settings)
    container = Container()
    for port, protocol in PORTS.items():
        if port not in wanted:
            continue
        candidate, reason = choose(port, installed[port], settings)
        factory = candidate.load()
        try:
            impl = factory(env)
        except FrameworkError:
            raise
        except Exception as exc:
            raise ConfigurationError(
                f"{port} adapter {candidate.label} failed to start: {type(exc).__name__}: {exc}"
            ) from exc
        container.register(
            protocol,
            impl,
            name=candidate.name,
            reason=reason,
            distribution=candidate.distribution,
            version=candidate.version,
        )
    container.closers.extend(env.closers)
    return container
