"""Which file of a project declares each DocType, learnt from the files and remembered per version.

Every Studio request looks across all apps (the framework's own packages included), and parsing them
all again made each request take seconds. So what is learnt from a file — the DocType classes it
declares, and a summary of each for the listing — is kept until the file's mtime or size changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from framework_m_core.errors import ValidationError

from .parse import doctype_classes, read_module
from .project import AppSource, Project
from .render import Catalog

Stamp = tuple[int, int]
Declared = tuple[AppSource, Path, str]
"""Where a DocType is declared: its app, its file and that file's module."""


def _stamp(path: Path) -> Stamp:
    """When and how big: a file rewritten in any way gets another stamp."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@dataclass(frozen=True)
class Summary:
    """What the listing shows of a DocType without reading it again."""

    label: str
    is_child: bool
    fields: int


@dataclass
class DocTypeIndex:
    """The DocTypes of ``project``'s apps by class name; a file is parsed again only if changed."""

    project: Project
    _classes: dict[Path, tuple[Stamp, list[str]]] = field(default_factory=dict, repr=False)
    _summaries: dict[tuple[Path, str], tuple[Stamp, Summary | None]] = field(
        default_factory=dict, repr=False
    )

    def scan(self) -> dict[str, Declared]:
        """DocType class name → (app, file, module) for every app's sources; the first app that
        declares a name wins."""
        found: dict[str, Declared] = {}
        for app in self.project.apps():
            for path in app.python_files():
                for name in self._classes_in(path):
                    found.setdefault(name, (app, path, app.module_of(path)))
        return found

    def _classes_in(self, path: Path) -> list[str]:
        """The DocType classes ``path`` declares; parsed again only when the file changed."""
        stamp = _stamp(path)
        cached = self._classes.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        names: list[str] = []
        text = path.read_text(encoding="utf-8", errors="replace")
        if "DocType" in text:
            try:
                names = [cls.name.value for cls in doctype_classes(cst.parse_module(text))]
            except cst.ParserSyntaxError:
                names = []
        self._classes[path] = (stamp, names)
        return names

    def summary(self, name: str, path: Path, catalog: Catalog) -> Summary | None:
        """DocType ``name`` of ``path`` in brief; ``None`` when the file no longer reads or no
        longer declares it."""
        stamp = _stamp(path)
        cached = self._summaries.get((path, name))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        summary = None
        try:
            contents = read_module(path.read_text(encoding="utf-8"), catalog)
        except ValidationError:
            contents = None
        doctype = next((d for d in contents.doctypes if d.name == name), None) if contents else None
        if doctype is not None:
            summary = Summary(doctype.meta.label or name, doctype.is_child, len(doctype.fields))
        self._summaries[(path, name)] = (stamp, summary)
        return summary
