"""Studio's operations on a project: list, read, preview, create, update and delete DocTypes.

Every read returns an ``etag`` (a hash of the file's bytes); every write names the etag it was based
on and is refused with a Conflict when the file changed on disk since, so Studio never overwrites a
developer's concurrent edit. Writes replace files atomically and only inside the project. Where each
DocType is declared is learnt by ``DocTypeIndex``; what the API answers is shaped in ``views``.
"""

from __future__ import annotations

import difflib
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path

from framework_m_core.composition.settings import CONFIG_FILE, load_settings
from framework_m_core.errors import Conflict, FieldError, NotFound, ValidationError
from framework_m_core.ports import MigratedSchema, SchemaManager

from . import renames as rename_log
from .doctype_index import Declared, DocTypeIndex
from .edit import find_class, update_doctype
from .field_types import FieldType, all_types
from .generate import doctype_module, snake_case
from .model import ControllerModel, DocTypeModel
from .parse import read_module
from .project import AppSource, Project, relative_module, replace_file
from .registration import register, unregister
from .render import Catalog
from .schema_manager import ask_schema_manager
from .views import AppListing, DocTypeSummary, DocTypeView, Preview


def etag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass
class _Located:
    app: AppSource
    path: Path
    data: bytes
    doctype: DocTypeModel
    controller: ControllerModel | None


@dataclass
class Workspace:
    """A project and the field types of the environment; one writer at a time."""

    project: Project
    types: list[FieldType] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _index: DocTypeIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = DocTypeIndex(self.project)

    @classmethod
    def open(cls, root: Path) -> Workspace:
        types, problems = all_types()
        return cls(Project(root), types, problems)

    # Reading -----------------------------------------------------------------------------------

    def catalog(self, for_module: str | None = None) -> Catalog:
        """Field types, and the import path of every child DocType as seen from ``for_module``."""
        return self._catalog(self._index.scan(), for_module)

    def _catalog(self, scanned: dict[str, Declared], for_module: str | None = None) -> Catalog:
        children: dict[str, str] = {}
        for name, (_app, _path, module) in scanned.items():
            if module != for_module:  # a child declared in the same module needs no import
                children[name] = relative_module(module, for_module) if for_module else module
        return Catalog({t.key: t for t in self.types}, children)

    def listing(self, query: str = "") -> list[AppListing]:
        needle = query.strip().lower()
        by_app: dict[str, AppListing] = {
            app.name: AppListing(
                app=app.name, package=app.package, editable=app.editable, doctypes=[]
            )
            for app in self.project.apps()
        }
        scanned = self._index.scan()
        catalog = self._catalog(scanned)
        for name, (app, path, module) in sorted(scanned.items()):
            if needle and needle not in name.lower() and needle not in module.lower():
                continue
            summary = self._index.summary(name, path, catalog)
            if summary is None:
                continue
            by_app[app.name].doctypes.append(
                DocTypeSummary(
                    name=name,
                    label=summary.label,
                    is_child=summary.is_child,
                    module=module,
                    path=self._shown(path),
                    fields=summary.fields,
                )
            )
        return [listing for listing in by_app.values() if listing.doctypes or not needle]

    def _shown(self, path: Path) -> str:
        resolved = path.resolve()
        if resolved.is_relative_to(self.project.root):
            return str(resolved.relative_to(self.project.root))
        return str(resolved)

    def _locate(self, name: str) -> _Located:
        entry = self._index.scan().get(name)
        if entry is None:
            raise NotFound(f"there is no DocType {name!r} in the project's apps")
        app, path, module = entry
        data = path.read_bytes()
        contents = read_module(data.decode("utf-8"), self.catalog(module))
        doctype = next((d for d in contents.doctypes if d.name == name), None)
        if doctype is None:
            raise NotFound(f"DocType {name!r} is no longer in {self._shown(path)}")
        controller = next((c for c in contents.controllers if c.doctype == name), None)
        return _Located(app, path, data, doctype, controller)

    def read(self, name: str) -> DocTypeView:
        found = self._locate(name)
        return self._view(found.app, found.path, found.data, found.doctype, found.controller)

    def _view(
        self,
        app: AppSource,
        path: Path,
        data: bytes,
        doctype: DocTypeModel,
        controller: ControllerModel | None,
        renames: list[tuple[str, str]] | None = None,
    ) -> DocTypeView:
        return DocTypeView(
            app=app.name,
            module=app.module_of(path),
            path=self._shown(path),
            etag=etag_of(data),
            editable=app.editable,
            doctype=doctype,
            controller=controller,
            source=data.decode("utf-8"),
            renames=renames or [],
        )

    # Planning (shared by preview and write) ----------------------------------------------------

    def _plan_update(
        self, name: str, doctype: DocTypeModel, etag: str | None
    ) -> tuple[_Located, str, list[tuple[str, str]]]:
        if doctype.name != name:
            raise ValidationError(
                "a DocType cannot be renamed in Studio (its table and links would break)"
            )
        found = self._locate(name)
        if etag is not None and etag != etag_of(found.data):
            raise Conflict(
                f"{self._shown(found.path)} changed on disk since it was read",
                details={
                    "path": self._shown(found.path),
                    "etag": etag_of(found.data),
                    "source": found.data.decode("utf-8"),
                },
            )
        if doctype.is_child != found.doctype.is_child:
            raise ValidationError("a DocType cannot become a child DocType or stop being one")
        self._check_references(doctype)
        result = update_doctype(
            found.data.decode("utf-8"), doctype, self.catalog(found.app.module_of(found.path))
        )
        return found, result.source, result.renames

    def _plan_create(
        self, app_name: str, doctype: DocTypeModel
    ) -> tuple[AppSource, Path, str, str | None]:
        app = self.project.app(app_name)
        if doctype.name in self._index.scan():
            raise Conflict(f"DocType {doctype.name!r} already exists")
        path = self.project.editable_file(app, app.directory / f"{snake_case(doctype.name)}.py")
        if path.exists():
            raise Conflict(f"{self._shown(path)} already exists")
        self._check_references(doctype)
        module = app.module_of(path)
        source = doctype_module(doctype, self.catalog(module))
        app_source = None
        if not doctype.is_child:
            app_file = self.project.editable_file(app, app.app_file)
            app_source = register(
                app_file.read_text(encoding="utf-8"),
                app.app_attr,
                doctype.name,
                relative_module(module, app.app_module),
                controller=True,
            )
        return app, path, source, app_source

    def _check_references(self, doctype: DocTypeModel) -> None:
        known = self._index.scan()
        types = {t.key for t in self.types}
        errors: list[FieldError] = []
        for i, f in enumerate(doctype.fields):
            where: list[str | int] = ["doctype", "fields", i]
            if f.type == "table" and f.child not in known:
                errors.append(
                    FieldError([*where, "child"], f"there is no child DocType {f.child!r}")
                )
            if f.type not in types and f.type != "python":
                errors.append(FieldError([*where, "type"], f"unknown field type {f.type!r}"))
        if errors:
            raise ValidationError(
                "; ".join(
                    f"field {doctype.fields[e['loc'][2]].name!r}: {e['message']}" for e in errors
                ),
                errors,
            )

    def preview(
        self, doctype: DocTypeModel, *, app: str | None = None, etag: str | None = None
    ) -> Preview:
        if doctype.name in self._index.scan():
            found, source, renames = self._plan_update(doctype.name, doctype, etag)
            old = found.data.decode("utf-8")
            return Preview(
                path=self._shown(found.path),
                source=source,
                diff=_diff(old, source, self._shown(found.path)),
                renames=renames,
            )
        if app is None:
            raise ValidationError("a new DocType needs the app it belongs to")
        target, path, source, app_source = self._plan_create(app, doctype)
        return Preview(
            path=self._shown(path),
            source=source,
            diff=_diff("", source, self._shown(path)),
            app_path=self._shown(target.app_file) if app_source else None,
            app_source=app_source,
        )

    # Writing -----------------------------------------------------------------------------------

    def create(self, app: str, doctype: DocTypeModel) -> DocTypeView:
        with self._lock:
            target, path, source, app_source = self._plan_create(app, doctype)
            replace_file(path, source, new=True)
            if app_source is not None:
                replace_file(target.app_file, app_source)
        return self.read(doctype.name)

    def update(self, name: str, doctype: DocTypeModel, etag: str) -> DocTypeView:
        with self._lock:
            found, source, renames = self._plan_update(name, doctype, etag)
            self.project.editable_file(found.app, found.path)
            log = self.renames_file() if renames else None
            if log is not None:
                rename_log.record(log, name, renames)
            replace_file(found.path, source)
        view = self.read(name)
        view.renames = renames
        return view

    def delete(self, name: str, etag: str) -> None:
        import libcst as cst

        with self._lock:
            found = self._locate(name)
            path = self.project.editable_file(found.app, found.path)
            if etag != etag_of(found.data):
                raise Conflict(
                    f"{self._shown(path)} changed on disk since it was read",
                    details={"path": self._shown(path), "etag": etag_of(found.data)},
                )
            users = self._tables_using(name) if found.doctype.is_child else []
            if users:
                raise Conflict(f"child DocType {name!r} is used by {', '.join(sorted(users))}")
            module = cst.parse_module(found.data.decode("utf-8"))
            find_class(module, name)
            controller = found.controller.name if found.controller else None
            kept = [
                s
                for s in module.body
                if not (isinstance(s, cst.ClassDef) and s.name.value in {name, controller})
            ]
            remaining = module.with_changes(body=kept)
            if not found.doctype.is_child:
                app_file = self.project.editable_file(found.app, found.app.app_file)
                if app_file != path:
                    module_path = relative_module(found.app.module_of(path), found.app.app_module)
                    replace_file(
                        app_file,
                        unregister(
                            app_file.read_text(encoding="utf-8"),
                            found.app.app_attr,
                            name,
                            module_path,
                        ),
                    )
            if any(isinstance(s, cst.ClassDef) for s in remaining.body):
                replace_file(path, remaining.code)
            else:
                path.unlink()

    def _tables_using(self, child: str) -> list[str]:
        """DocTypes with a table field of ``child`` (each module read once)."""
        catalog = self.catalog()
        users: list[str] = []
        for path in sorted({p for _a, p, _m in self._index.scan().values()}):
            for doctype in read_module(path.read_text(encoding="utf-8"), catalog).doctypes:
                if any(f.type == "table" and f.child == child for f in doctype.fields):
                    users.append(doctype.name)
        return users

    def renames_file(self) -> Path | None:
        """Where the project's schema manager wants renames recorded for its next migration; None
        when its schema has no migrations (documents stored whole keep no columns to rename)."""
        config_path = self.project.root / CONFIG_FILE
        settings = load_settings(config_path if config_path.is_file() else None, env={})
        found = ask_schema_manager(settings, _renames_file)
        if found is None:
            return None
        return self.project.inside(found if found.is_absolute() else self.project.root / found)


def _renames_file(manager: SchemaManager) -> Path | None:
    return manager.renames_file() if isinstance(manager, MigratedSchema) else None


def _diff(old: str, new: str, path: str) -> str:
    return "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}")
    )
