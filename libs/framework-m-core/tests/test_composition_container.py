"""The adapter container and the conformity check: registrations are checked against their port
(missing methods, ``async def`` where a plain ``def`` is due, signatures), and choices are reported."""

from __future__ import annotations

import pytest

from framework_m_core.composition import Container, check_conforms
from framework_m_core.errors import ConfigurationError
from framework_m_core.memory import SystemClock
from framework_m_core.ports import Clock


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
