"""``select_adapters(..., ports=…)``: a tool that needs one adapter (Studio asks the schema manager)
builds that one only, chosen by the same rule as at start-up."""

from __future__ import annotations

import pytest

from framework_m_core.composition import Settings, select_adapters
from framework_m_core.errors import ConfigurationError
from framework_m_core.ports import Repository, SchemaManager


@pytest.mark.anyio
async def test_only_the_asked_ports_are_built() -> None:
    container = select_adapters(Settings(), entry_points=[], ports=["schema_manager"])
    try:
        assert [c.port for c in container.choices()] == ["schema_manager"]
        assert isinstance(container.get(SchemaManager), SchemaManager)
        assert container.find(Repository) is None
    finally:
        await container.aclose()


def test_an_unknown_port_is_named() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown port\(s\) schema; known ports: "):
        select_adapters(Settings(), entry_points=[], ports=["schema"])
