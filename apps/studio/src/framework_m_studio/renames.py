"""Field renames Studio made, recorded for the next migration.

Alembic sees a renamed field as a dropped column plus a new one. Studio knows better, so it appends
each rename to ``renames.toml`` in the project's migrations directory; ``m migrate revision
--autogenerate`` turns the recorded renames into column renames and then clears them. Chains collapse
(a→b then b→c is a→c) and a rename undone before migrating disappears.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from framework_m_core.errors import ConfigurationError

RENAMES_FILE = "renames.toml"
_HEADER = (
    "# Field renames made by Framework M Studio and not yet in a migration.\n"
    "# `m migrate revision --autogenerate` renames these columns (keeping their data), then clears\n"
    "# them. Edit with care: each entry says DocType.old_field was renamed to new_field.\n"
)


@dataclass(frozen=True)
class Rename:
    doctype: str
    old: str
    new: str


def read(path: Path) -> list[Rename]:
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return [Rename(r["doctype"], r["old"], r["new"]) for r in data.get("rename", [])]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: not a renames file: {exc}") from None


def write(path: Path, renames: list[Rename]) -> None:
    if not renames:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f"\n[[rename]]\ndoctype = {json.dumps(r.doctype)}\nold = {json.dumps(r.old)}\n"
        f"new = {json.dumps(r.new)}\n"
        for r in renames
    )
    path.write_text(_HEADER + body, encoding="utf-8")


def record(path: Path, doctype: str, pairs: list[tuple[str, str]]) -> list[Rename]:
    """Add ``(old, new)`` renames of ``doctype`` to the file, collapsing chains; returns them all."""
    existing = read(path)
    consumed: list[Rename] = []
    added: list[Rename] = []
    for old, new in pairs:  # all of one edit, so chains look only at earlier edits
        earlier = next((r for r in existing if r.doctype == doctype and r.new == old), None)
        if earlier is not None:
            consumed.append(earlier)
            old = earlier.old
        if old != new:
            added.append(Rename(doctype, old, new))
    renames = [r for r in existing if r not in consumed] + added
    write(path, renames)
    return renames
