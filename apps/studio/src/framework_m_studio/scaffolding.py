"""``m new app`` and ``m new doctype``: files a developer would otherwise copy from an example.

Everything is rendered first and written only when all of it rendered, and never over an existing
file, so a refused scaffold leaves nothing behind.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import keyword
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from framework_m_core.errors import ConfigurationError, ValidationError

from .field_types import all_types
from .generate import doctype_module, render_template, snake_case, test_module
from .model import Constraints, DocTypeModel, FieldModel, MetaModel
from .project import APPS_GROUP, AppSource, Project, relative_module
from .registration import register
from .render import Catalog

_APP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _framework_version() -> str:
    try:
        return importlib.metadata.version("framework-m")
    except importlib.metadata.PackageNotFoundError:
        return "0.1.0"


def camel_case(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part)


def check_app_name(name: str) -> str:
    if not _APP_NAME.match(name) or keyword.iskeyword(name) or name in {"test", "tests"}:
        raise ValidationError(
            f"app name {name!r}: use lower_case letters, digits and _ (it is the Python package name)"
        )
    try:
        taken = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        taken = False
    if taken or name in sys.stdlib_module_names:
        raise ValidationError(f"app name {name!r}: a module of that name already exists")
    return name


@dataclass(frozen=True)
class Planned:
    """Files to write, relative to ``root``."""

    root: Path
    files: dict[Path, str]

    def write(self) -> list[Path]:
        for relative in self.files:
            if (self.root / relative).exists():
                raise ValidationError(f"{self.root / relative} already exists; nothing was written")
        written: list[Path] = []
        for relative, text in self.files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
            written.append(path)
        return written


def first_doctype(name: str) -> DocTypeModel:
    return DocTypeModel(
        name=name,
        docstring=f"A {name} record of the app; add fields here or in Studio (`m studio`).",
        fields=[
            FieldModel(
                name="title",
                type="data",
                label="Title",
                description="What this record is called.",
                constraints=Constraints(min_length=1, max_length=140),
            )
        ],
        meta=MetaModel(api_resource=True, title_field="title", search_fields=["title"]),
    )


def plan_app(name: str, directory: Path, doctype: str | None, description: str | None) -> Planned:
    """The files of a new app package ``name`` in ``directory`` (which must not exist or be empty)."""
    check_app_name(name)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ValidationError(
            f"{directory} exists and is not an empty directory; nothing was written"
        )
    first = first_doctype(doctype or camel_case(name))
    module = snake_case(first.name)
    catalog = Catalog.of(all_types()[0])
    context = {
        "app": name,
        "package": name,
        "distribution": name.replace("_", "-"),
        "description": description or f"The {name} app, built on Framework M.",
        "framework_version": _framework_version(),
        "doctype": first.name,
        "module": module,
    }
    src = Path("src") / name
    files = {
        Path("pyproject.toml"): render_template("app/pyproject.toml.j2", **context),
        Path("README.md"): render_template("app/README.md.j2", **context),
        Path("framework_config.toml"): render_template("app/framework_config.toml.j2", **context),
        Path(".gitignore"): render_template("app/gitignore.j2", **context),
        src / "__init__.py": render_template("app/init.py.j2", **context),
        src / "app.py": render_template("app/app.py.j2", **context),
        src / "py.typed": "",
        src / f"{module}.py": doctype_module(first, catalog),
        Path("tests") / f"test_{module}.py": test_module(first, name, module, catalog),
    }
    return Planned(directory, files)


def app_from_pyproject(start: Path) -> AppSource | None:
    """The app declared by the nearest pyproject.toml upward from ``start`` (installed or not)."""
    here = start.resolve()
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if not pyproject.is_file():
            continue
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return None
        apps = data.get("project", {}).get("entry-points", {}).get(APPS_GROUP, {})
        if len(apps) != 1:
            return None
        ((name, value),) = apps.items()
        module, _, attr = str(value).partition(":")
        package = module.split(".", 1)[0]
        for base in (directory / "src", directory):
            if (base / package / "__init__.py").is_file():
                return AppSource(
                    name, package, module, attr or "app", (base / package).resolve(), True
                )
        return None
    return None


def find_app(name: str | None, cwd: Path, project: Project) -> AppSource:
    """``--app`` among the installed apps or the app around ``cwd``; without it, the app around
    ``cwd`` (the directory of its pyproject.toml or any directory below)."""
    around = app_from_pyproject(cwd)
    if name is None:
        if around is None:
            editable = [a.name for a in project.apps() if a.editable]
            hint = f" (apps in this project: {', '.join(editable)})" if editable else ""
            raise ConfigurationError(
                f"no --app given and {cwd} is not inside an app's directory; pass --app NAME{hint}"
            )
        return around
    if around is not None and around.name == name:
        return around
    return project.app(name)


def parse_field(spec: str) -> FieldModel:
    """``name:type`` with ``?`` for optional; ``customer:link:Customer``, ``items:table:Row``,
    ``status:select:Open,Closed``."""
    parts = spec.split(":", 2)
    if len(parts) < 2:
        raise ValidationError(f"--field {spec!r}: expected name:type, e.g. due_date:date")
    name, kind = parts[0], parts[1]
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    extra = parts[2] if len(parts) == 3 else None
    data: dict[str, object] = {"name": name, "type": kind, "label": name.replace("_", " ").title()}
    if kind == "link":
        data["link"] = extra
    elif kind == "table":
        data["child"] = extra
        data["has_default"] = True
    elif kind == "select":
        data["options"] = (extra or "").split(",") if extra else []
    elif extra is not None:
        raise ValidationError(f"--field {spec!r}: only link, table and select take a third part")
    if optional and kind != "table":
        data.update(nullable=True, has_default=True, default=None)
    try:
        return FieldModel.model_validate(data)
    except Exception as exc:
        raise ValidationError(f"--field {spec!r}: {exc}") from None


def app_doctypes(app: AppSource) -> dict[str, tuple[str, bool]]:
    """DocType class name → (the module declaring it, whether it is a child DocType)."""
    import libcst as cst

    from .parse import doctype_classes
    from .syntax import base_names

    found: dict[str, tuple[str, bool]] = {}
    for path in app.python_files():
        try:
            module = cst.parse_module(path.read_text(encoding="utf-8"))
        except cst.ParserSyntaxError:
            continue
        for cls in doctype_classes(module):
            child = "ChildDocType" in base_names(cls)
            found.setdefault(cls.name.value, (app.module_of(path), child))
    return found


def plan_doctype(
    app: AppSource, name: str, *, child: bool, fields: list[FieldModel]
) -> tuple[Planned, dict[Path, str]]:
    """New files (the module, its test) and changed ones (the app module) for DocType ``name``."""
    try:
        doctype = DocTypeModel(
            name=name,
            is_child=child,
            docstring=f"A {name}; describe here what one record stands for.",
            fields=fields,
            meta=MetaModel(api_resource=not child),
        )
    except Exception as exc:
        raise ValidationError(f"DocType {name!r}: {exc}") from None
    module = snake_case(name)
    path = app.directory / f"{module}.py"
    module_path = app.module_of(path)
    children = app_doctypes(app)
    for f in fields:
        if f.type == "table" and not children.get(f.child or "", ("", False))[1]:
            raise ValidationError(
                f"field {f.name!r}: {f.child!r} is not a child DocType of app {app.name!r} "
                "(create it first with m new doctype NAME --child)"
            )
    modules = {n: relative_module(m, module_path) for n, (m, _child) in children.items()}
    catalog = Catalog.of(all_types()[0], **modules)
    files = {path: doctype_module(doctype, catalog)}
    root = app.distribution_root or app.directory.parent
    changed: dict[Path, str] = {}
    if not child:
        files[root / "tests" / f"test_{module}.py"] = test_module(
            doctype, app.package, module, catalog
        )
        app_file = app.app_file
        changed[app_file] = register(
            app_file.read_text(encoding="utf-8"),
            app.app_attr,
            name,
            relative_module(module_path, app.app_module),
            controller=True,
        )
    return Planned(Path("/"), files), changed
