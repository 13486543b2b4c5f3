"""Container: the one map from each port to the implementation chosen for it, and why.

It is built once at start-up (by ``select_adapters`` or by hand in tests) and handed to whoever needs
it; there is no global instance. Every registration is checked against the port, so a wrong adapter fails
here rather than at its first call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar, cast

from ..errors import ConfigurationError
from .conformity import check_conforms
from .ports import port_name

T = TypeVar("T")


@dataclass(frozen=True)
class AdapterChoice:
    """What ``m info`` prints for one port: the adapter's name, where it comes from, and why it won."""

    port: str
    name: str
    distribution: str | None
    version: str | None
    reason: str

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


class Container:
    """Implementations by port, with the choice behind each one."""

    def __init__(self) -> None:
        self._impls: dict[type, object] = {}
        self._choices: dict[type, AdapterChoice] = {}
        self.closers: list[Callable[[], Awaitable[None]]] = []

    async def aclose(self) -> None:
        """Release shared resources (engines, clients) in reverse order of creation; idempotent."""
        while self.closers:
            await self.closers.pop()()

    def register(
        self,
        port: type[T],
        impl: T,
        *,
        name: str = "custom",
        reason: str = "registered in code",
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        """Use ``impl`` for ``port``, replacing any earlier registration (tests swap in a frozen clock
        this way). Raises ``ConfigurationError`` when ``impl`` does not satisfy the port."""
        label = port_name(port)
        where = " ".join(part for part in (distribution, version) if part)
        check_conforms(
            label, port, impl, f"{label} adapter {name!r}" + (f" ({where})" if where else "")
        )
        self._impls[port] = impl
        self._choices[port] = AdapterChoice(label, name, distribution, version, reason)

    def get(self, port: type[T]) -> T:
        """The implementation of ``port``; ``ConfigurationError`` if nothing was registered for it."""
        try:
            return cast(T, self._impls[port])
        except KeyError:
            raise ConfigurationError(
                f"no adapter is registered for the {port_name(port)} port ({port.__name__})"
            ) from None

    def find(self, port: type[T]) -> T | None:
        """The implementation of ``port``, or ``None`` for an optional port nobody filled."""
        return cast(T | None, self._impls.get(port))

    def __contains__(self, port: object) -> bool:
        return port in self._impls

    def choices(self) -> list[AdapterChoice]:
        """One entry per registered port, in registration order."""
        return list(self._choices.values())

    def implementations(self) -> dict[str, Any]:
        """Port name → implementation, shaped for ``Kernel(registry, **container.implementations())``."""
        return {port_name(port): impl for port, impl in self._impls.items()}
