"""``m info``: what this installation is made of, and why each adapter was chosen.

It runs the same discovery and selection as start-up, so a configuration that would fail to start fails
here with the same message (exit code 1).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any

from cyclopts import Parameter

from framework_m_core.composition import collect_steps, load_settings, select_adapters
from framework_m_core.registry import MetaRegistry

from .app import versions


def gather() -> dict[str, Any]:
    """The report ``m info`` prints, as JSON-compatible data."""
    settings = load_settings()
    registry = MetaRegistry.discover(settings.apps)
    container = select_adapters(settings)
    steps = collect_steps(settings)
    metas = registry.metas()
    return {
        "versions": versions(),
        "config_file": str(settings.path) if settings.path else None,
        "dev_mode": settings.dev_mode,
        "apps": [
            {
                "name": loaded.app.name,
                "version": loaded.app.version,
                "source": loaded.source,
                "doctypes": sorted(m.name for m in metas if m.app == loaded.app.name),
            }
            for loaded in registry.apps
        ],
        "adapters": [choice.to_dict() for choice in container.choices()],
        "adapter_details": {
            port: dict(impl.describe())
            for port, impl in container.implementations().items()
            if callable(getattr(impl, "describe", None))
        },
        "bootstrap": [{"order": s.order, "name": s.name, "source": s.source} for s in steps],
    }


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def render(report: dict[str, Any]) -> str:
    """The human-readable form of ``gather()``."""
    lines = [", ".join(f"{name} {version}" for name, version in report["versions"].items())]
    lines.append(f"configuration: {report['config_file'] or 'no framework_config.toml (defaults)'}")
    lines.append("")
    lines.append("apps:")
    for app in report["apps"]:
        lines.append(f"  {app['name']}  {app['source']}")
        lines.append(f"    DocTypes: {', '.join(app['doctypes']) or '(none)'}")
    if not report["apps"]:
        lines.append("  (none installed)")
    lines.append("")
    lines.append("adapters:")
    rows = [("PORT", "ADAPTER", "DISTRIBUTION", "WHY")]
    for choice in report["adapters"]:
        where = " ".join(p for p in (choice["distribution"], choice["version"]) if p) or "-"
        rows.append((choice["port"], choice["name"], where, choice["reason"]))
    lines.extend(_table(rows))
    for port, details in report["adapter_details"].items():
        for key, value in details.items():
            lines.append(f"  {port} {key}: {value}")
    lines.append("")
    lines.append("start-up steps:")
    if report["bootstrap"]:
        lines.extend(
            _table([(str(s["order"]), s["name"], s["source"]) for s in report["bootstrap"]])
        )
    else:
        lines.append("  (none installed)")
    return "\n".join(lines)


def info(*, as_json: Annotated[bool, Parameter(name="--json", negative="")] = False) -> int:
    """Show installed apps and their DocTypes, each port's adapter and why it was chosen, and the
    start-up steps.

    Parameters
    ----------
    as_json
        Print the report as JSON (for scripts).
    """
    report = gather()
    print(json.dumps(report, indent=2) if as_json else render(report))
    return 0
