"""The names one package name turns into: distribution, import package, adapter and class prefix.

They are checked before anything is written, because a bad one surfaces late and far away: a
distribution name PyPI refuses at upload, an import name that shadows the standard library, or an
adapter registered as ``default`` that silently loses to configuration it was meant to win against.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import sys
from dataclasses import dataclass

from framework_m_core.composition import DEFAULT, MEMORY
from framework_m_core.errors import ValidationError

# PEP 508's name rule (what pip, uv and PyPI accept), case-insensitively.
_DISTRIBUTION = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_FAMILY_PREFIXES = ("framework-mx-",)
_RESERVED_ADAPTERS = (DEFAULT, MEMORY)
MAX_LENGTH = 32
"""Longer names would push generated lines past the 100 columns the generated code is formatted to."""


@dataclass(frozen=True)
class PackageNames:
    """``acme-cache`` → distribution ``acme-cache``, import ``acme_cache``, adapter ``acme-cache``,
    classes ``AcmeCache…``; ``framework-mx-redis`` → adapter ``redis``, classes ``Redis…``."""

    distribution: str
    package: str
    adapter: str
    prefix: str

    @property
    def section(self) -> str:
        """The package's own table in ``framework_config.toml``."""
        return self.package


def normalize(name: str) -> str:
    """PEP 503's normal form: lowercase, runs of ``-``, ``_`` and ``.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def package_names(name: str) -> PackageNames:
    """Derive and check every name of a new package from ``name``.

    Raises ``ValidationError`` when ``name`` is not a distribution name, when its import name is not a
    Python identifier or would shadow a module already importable here (the standard library
    included), or when the adapter name would be one the framework reserves.
    """
    if not _DISTRIBUTION.match(name):
        raise ValidationError(
            f"{name!r} is not a valid package name: use letters, digits, '-', '_' and '.', "
            "starting and ending with a letter or digit"
        )
    if len(name) > MAX_LENGTH:
        raise ValidationError(f"package name {name!r} is longer than {MAX_LENGTH} characters")
    distribution = normalize(name)
    package = distribution.replace("-", "_")
    if not package[0].isalpha():
        raise ValidationError(
            f"package name {name!r} must start with a letter: its import name {package!r} has to be "
            "a Python identifier"
        )
    if keyword.iskeyword(package):
        raise ValidationError(f"package name {name!r} is a Python keyword; it cannot be imported")
    if package in sys.stdlib_module_names:
        raise ValidationError(
            f"package name {name!r} would shadow the standard library module {package!r}"
        )
    existing = _importable(package)
    if existing is not None:
        raise ValidationError(
            f"a module named {package!r} is already importable here ({existing}); choose another "
            "package name"
        )
    adapter = distribution
    for prefix in _FAMILY_PREFIXES:
        rest = distribution.removeprefix(prefix)
        if rest != distribution and rest[0].isalpha():
            adapter = rest
    if adapter in _RESERVED_ADAPTERS:
        raise ValidationError(
            f"package name {name!r} would register its adapter as {adapter!r}, a name the framework "
            f"reserves ({' and '.join(map(repr, _RESERVED_ADAPTERS))}); choose another package name"
        )
    prefix = "".join(word[:1].upper() + word[1:] for word in adapter.split("-"))
    return PackageNames(distribution, package, adapter, prefix)


def _importable(package: str) -> str | None:
    """The file ``package`` would be imported from in this environment, or ``None``.

    Namespace packages (any directory of that name on ``sys.path``) do not count: they hold no code
    that the new package would hide."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin in (None, "namespace"):
        return None
    return spec.origin
