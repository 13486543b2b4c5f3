"""``m docs generate``: write a Markdown reference of the DocTypes a project loads to a directory.

The pages (built by ``docs_pages``) are deterministic: the same installation gives the same bytes,
so they can be committed and diffed. Each carries ``MARKER``, which is how a later run knows which
files it may overwrite or remove: a page whose DocType is gone goes; a file someone else wrote is
never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from framework_m_core.composition import load_settings
from framework_m_core.errors import FieldError, ValidationError
from framework_m_core.registry import MetaRegistry

from .codegen.output import write_all
from .docs_pages import MARKER, Reference


def _refuse(message: str, option: str = "--output") -> ValidationError:
    return ValidationError(message, [FieldError([option], message)])


@dataclass(frozen=True)
class Written:
    """What ``generate`` did: pages written and stale generated pages removed."""

    directory: Path
    written: tuple[Path, ...]
    removed: tuple[Path, ...]


def _generated(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")[:500]
    except OSError:
        return False


def generate(
    output: Path,
    apps: Sequence[str] = (),
    registry_of: Callable[[], MetaRegistry] | None = None,
) -> Written:
    """Write the reference into ``output`` (``index.md`` and ``<app>/<DocType>.md``).

    Pages this command wrote before for DocTypes that are gone are removed; a file it did not
    write is never overwritten or removed (ValidationError before anything changes)."""
    if output.exists() and not output.is_dir():
        raise _refuse(f"--output {output} is a file; give a directory for the reference pages")
    registry = registry_of() if registry_of else MetaRegistry.discover(load_settings().apps)
    files = {output / rel: text for rel, text in Reference(registry, apps).files().items()}
    foreign = [p for p in files if p.exists() and (p.is_dir() or not _generated(p))]
    if foreign:
        raise _refuse(
            f"{', '.join(map(str, foreign))}: not written by m docs generate; move "
            f"{'it' if len(foreign) == 1 else 'them'} away or choose another --output"
        )
    stale = sorted(
        p
        for p in (*output.glob("*.md"), *output.glob("*/*.md"))
        if p not in files and _generated(p)
    )
    try:
        written = write_all(files, "--output")
        for path in stale:
            path.unlink()
            if path.parent != output and not any(path.parent.iterdir()):
                path.parent.rmdir()
    except OSError as exc:
        raise _refuse(f"cannot update the reference in {output}: {exc.strerror or exc}") from None
    return Written(output, tuple(written), tuple(stale))
