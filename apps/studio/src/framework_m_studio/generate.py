"""Schema → new modules, from the jinja2 templates in ``templates/``.

Templates hold the layout; every piece of Python inside them (a field, a Meta option, the imports)
comes from ``render`` so that new files and edited ones read alike. The output is what ``ruff
format`` would write, passes ``ruff check`` and ``mypy --strict``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from .imports import import_block
from .model import DocTypeModel, FieldModel
from .render import INDENT, Catalog, Import, Rendered, field_statement, meta_block, py_str


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("framework_m_studio", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )


def render_template(template: str, /, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def snake_case(name: str) -> str:
    """``SalesInvoiceItem`` → ``sales_invoice_item`` (module and test names)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def label_of(doctype: DocTypeModel) -> str:
    if doctype.meta.label:
        return doctype.meta.label
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", doctype.name)


def docstring_source(text: str, indent: str) -> str:
    """``text`` as a docstring at ``indent`` (escaped so it reads back exactly)."""
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if escaped.endswith('"'):
        escaped = escaped[:-1] + '\\"'
    lines = escaped.split("\n")
    if len(lines) == 1 and len(indent) + len(escaped) + 6 <= 100:
        return f'{indent}"""{escaped}"""'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines[1:])
    return (
        f'{indent}"""{lines[0]}\n{body}\n{indent}"""'
        if body
        else f'{indent}"""{lines[0]}\n{indent}"""'
    )


def class_source(doctype: DocTypeModel, catalog: Catalog) -> Rendered:
    """The ``class …(DocType)`` block and the imports it needs."""
    imports: set[Import] = set()
    fields: list[str] = []
    for f in doctype.fields:
        statement = field_statement(f, catalog)
        fields.append(statement.source)
        imports |= statement.imports
    meta = None
    if not doctype.is_child:
        rendered = meta_block(doctype.meta, INDENT)
        if rendered is not None:
            meta = rendered.source
            imports |= rendered.imports
    base = "ChildDocType" if doctype.is_child else "DocType"
    imports.add(("framework_m", base))
    source = render_template(
        "doctype/class.py.j2",
        doctype=doctype,
        base=base,
        docstring=docstring_source(doctype.docstring, INDENT) if doctype.docstring else None,
        fields=fields,
        meta=meta,
    )
    return Rendered(source.rstrip("\n"), imports)


def controller_source(doctype: DocTypeModel) -> Rendered:
    # The class name, not the free-text label: a docstring cannot hold any text unescaped.
    source = render_template("doctype/controller.py.j2", doctype=doctype)
    return Rendered(source.rstrip("\n"), {("framework_m", "Controller")})


def doctype_module(
    doctype: DocTypeModel,
    catalog: Catalog,
    *,
    controller: bool = True,
    module_docstring: str | None = None,
) -> str:
    """A module declaring ``doctype`` (and, for a top-level DocType, its controller)."""
    parts = [class_source(doctype, catalog)]
    if controller and not doctype.is_child:
        parts.append(controller_source(doctype))
    imports: set[Import] = set()
    for part in parts:
        imports |= part.imports
    doc = module_docstring or f"The {label_of(doctype)} DocType" + (
        "." if doctype.is_child else " and its controller."
    )
    return render_template(
        "doctype/module.py.j2",
        module_docstring=docstring_source(doc, ""),
        imports=import_block(imports),
        classes=[p.source for p in parts],
    )


def sample_value(f: FieldModel, catalog: Catalog) -> Rendered | None:
    """A valid value for a required field in a generated test; ``None`` when none can be made up
    (a link needs a real document)."""
    kind = catalog.types[f.type].kind if f.type in catalog.types else f.type
    c = f.constraints
    if kind == "data":
        if c.pattern is not None:
            return None
        size = max(c.min_length or 1, min(7, c.max_length or 7))
        return Rendered(py_str(("Example" * 20)[:size]))
    if kind in ("int", "float", "decimal"):
        low = c.ge if c.ge is not None else (c.gt + 1 if c.gt is not None else 1)
        number = int(low) if float(low).is_integer() else low
        if c.le is not None and number > c.le:
            return None
        if kind == "decimal":
            return Rendered(f"Decimal({py_str(str(number))})", {("decimal", "Decimal")})
        return Rendered(repr(float(number)) if kind == "float" else str(int(number)))
    simple: dict[str, Rendered] = {
        "bool": Rendered("True"),
        "date": Rendered("date(2026, 1, 31)", {("datetime", "date")}),
        "datetime": Rendered(
            "datetime(2026, 1, 31, 9, 30, tzinfo=UTC)",
            {("datetime", "datetime"), ("datetime", "UTC")},
        ),
        "time": Rendered("time(9, 30)", {("datetime", "time")}),
        "uuid": Rendered("UUID(int=1)", {("uuid", "UUID")}),
        "json": Rendered('{"example": 1}'),
        "table": Rendered("[]"),
    }
    if kind == "select":
        return Rendered(py_str(f.options[0]))
    return simple.get(kind)


def _dict_source(items: list[str], prefix: str, indent: str) -> str:
    """A dict display as ruff format writes it: on one line, else one item per line."""
    flat = "{" + ", ".join(items) + "}"
    if len(prefix) + len(flat) <= 100:
        return flat
    return "{\n" + "".join(f"{indent}{INDENT}{item},\n" for item in items) + indent + "}"


def test_module(doctype: DocTypeModel, package: str, module: str, catalog: Catalog) -> str:
    """A pytest module for a new DocType of app ``package``: it is registered, and it round-trips."""
    values: list[str] = []
    imports: set[Import] = {
        ("pytest", ""),
        ("framework_m", "DocTypeMeta"),
        ("framework_m", "SystemContext"),
        ("framework_m", "in_memory_kernel"),
        (f"{package}.app", "app"),
        (f"{package}.{module}", doctype.name),
    }
    round_trip = True
    for f in doctype.fields:
        if not f.required:
            continue
        value = sample_value(f, catalog)
        if value is None:  # e.g. a required link: the test would need a real linked document
            round_trip = False
            break
        values.append(f"{py_str(f.name)}: {value.source}")
        imports |= value.imports
    if not round_trip:
        imports = {
            i for i in imports if i[0] != "datetime" and i[0] != "decimal" and i[0] != "uuid"
        }
        imports -= {
            ("framework_m", "SystemContext"),
            ("framework_m", "in_memory_kernel"),
            ("pytest", ""),
        }
    block = import_block(imports, future=False, first_party=frozenset({package.split(".")[0]}))
    return render_template(
        "doctype/test.py.j2",
        doctype=doctype,
        label=label_of(doctype),
        snake=snake_case(doctype.name),
        imports=block,
        sample=_dict_source(values, "    values: dict[str, object] = ", INDENT),
        round_trip=round_trip,
    )
