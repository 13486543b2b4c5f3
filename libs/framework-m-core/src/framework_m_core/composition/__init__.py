"""Composition: settings, adapter selection into a typed Container, and ordered start-up steps.

Everything here runs once at start-up and fails there — an ambiguous, missing or non-conforming
adapter never reaches a request.
"""

from .bootstrap import BOOTSTRAP_GROUP, BootstrapStep, LoadedStep, collect_steps, run_bootstrap
from .conformity import check_conforms
from .container import AdapterChoice, Container
from .diagnostics import Diagnosis, SelfDiagnosing
from .fallbacks import MEMORY
from .ports import PORTS, port_name
from .runtime import Runtime, build_registry, start_runtime
from .selection import ADAPTER_GROUP_PREFIX, DEFAULT, AdapterEnv, AdapterFactory, select_adapters
from .settings import CONFIG_ENV, CONFIG_FILE, Settings, find_config, load_settings

__all__ = [
    "ADAPTER_GROUP_PREFIX",
    "BOOTSTRAP_GROUP",
    "CONFIG_ENV",
    "CONFIG_FILE",
    "DEFAULT",
    "MEMORY",
    "PORTS",
    "AdapterChoice",
    "AdapterEnv",
    "AdapterFactory",
    "BootstrapStep",
    "Container",
    "Diagnosis",
    "LoadedStep",
    "Runtime",
    "SelfDiagnosing",
    "Settings",
    "build_registry",
    "check_conforms",
    "collect_steps",
    "find_config",
    "load_settings",
    "port_name",
    "run_bootstrap",
    "select_adapters",
    "start_runtime",
]
