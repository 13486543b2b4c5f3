"""The adapter conformance kit: the shared test suite every adapter package runs.

An adapter package adds one test module::

    from framework_m_core.testing.suite import *  # noqa: F403

    @pytest.fixture
    def framework_m_adapters() -> AdapterProvider:
        return MySqlProvider(...)

The pytest plugin (registered through the ``pytest11`` entry point) supplies the fixtures the suite uses.
Capabilities an adapter lacks are declared on its provider; every test that needs one is then reported as a
skip with the adapter's reason — never silently passed.

``build_kernel(registry, adapters)`` makes a Kernel over one adapter set, for the kit and for an adapter
package's own test harness. This package imports neither pytest nor hypothesis.
"""

from __future__ import annotations

from .adapters import AdapterProvider, AdapterSet, Capabilities, MemoryProvider, requires
from .kernel import build_kernel

__all__ = [
    "AdapterProvider",
    "AdapterSet",
    "Capabilities",
    "MemoryProvider",
    "build_kernel",
    "requires",
]
