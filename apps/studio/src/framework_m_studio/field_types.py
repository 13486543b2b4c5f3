"""Field types: the built-in kinds and those installed apps register.

An app offers a reusable field type by naming a type alias under the ``framework_m.field_types``
entry-point group (``email = "crm.types:Email"`` where ``Email = Annotated[str, StringConstraints(…)]``).
Studio lists it in the type palette and writes ``email: Email`` with ``from crm.types import Email``;
the app needs no dependency on Studio, and the alias is loaded only to learn its storage kind.
"""

from __future__ import annotations

import importlib.metadata
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel, ConfigDict

FIELD_TYPES_GROUP = "framework_m.field_types"


class FieldType(BaseModel):
    """One entry of the palette. ``annotation`` is how a field of this type is written; ``imports``
    are the ``(module, name)`` pairs it needs; ``kind`` is what the framework stores it as."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    kind: str
    annotation: str
    imports: tuple[tuple[str, str], ...] = ()
    source: str = "framework"
    description: str = ""
    constraints: tuple[str, ...] = ()
    """The ``Field`` constraints Studio edits for this type (built-in kinds only)."""


_BUILTIN: tuple[tuple[str, str, str, tuple[tuple[str, str], ...], str], ...] = (
    ("data", "Data", "str", (), "Text; limit its length with max_length."),
    ("int", "Int", "int", (), "Whole number."),
    ("float", "Float", "float", (), "Floating-point number (use Decimal for money)."),
    ("bool", "Check", "bool", (), "Yes or no."),
    ("decimal", "Decimal", "Decimal", (("decimal", "Decimal"),), "Exact number, e.g. money."),
    ("date", "Date", "date", (("datetime", "date"),), "Calendar day."),
    ("datetime", "Datetime", "datetime", (("datetime", "datetime"),), "Moment in time."),
    ("time", "Time", "time", (("datetime", "time"),), "Time of day."),
    ("uuid", "UUID", "UUID", (("uuid", "UUID"),), "Identifier."),
    ("select", "Select", "Literal[...]", (("typing", "Literal"),), "One of fixed options."),
    (
        "link",
        "Link",
        "Annotated[UUID, Link(...)]",
        (("typing", "Annotated"), ("uuid", "UUID"), ("framework_m", "Link")),
        "Reference to a document of another DocType.",
    ),
    ("table", "Table", "list[Child]", (), "Rows of a child DocType."),
    ("json", "JSON", "dict[str, Any]", (("typing", "Any"),), "Free-form JSON object."),
)


def builtin_types() -> list[FieldType]:
    """The kinds every project has (one per ``FieldKind`` of the core)."""
    from .model import KIND_CONSTRAINTS

    return [
        FieldType(
            key=k,
            label=label,
            kind=k,
            annotation=ann,
            imports=imp,
            description=doc,
            constraints=KIND_CONSTRAINTS.get(k, ()),
        )
        for k, label, ann, imp, doc in _BUILTIN
    ]


@dataclass(frozen=True)
class _Loaded:
    kind: str
    description: str


def _kind_of(alias: object) -> _Loaded:
    """The storage kind of a registered alias, as the core classifies a field of that type."""
    from pydantic import create_model

    from framework_m_core.meta import describe_field

    model = create_model("_Probe", value=(cast(Any, alias), ...))
    spec = describe_field("value", model.model_fields["value"])
    return _Loaded(spec.kind, "")


def _attribute_docstring(module: str, attr: str) -> str:
    """The string literal right after ``attr = …`` in ``module``'s source (how aliases are
    documented; the alias object itself cannot carry a docstring)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return ""
    with open(spec.origin, encoding="utf-8") as handle:
        body = ast.parse(handle.read()).body
    for statement, following in itertools.pairwise(body):
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else []
        )
        named = any(isinstance(t, ast.Name) and t.id == attr for t in targets)
        if named and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
            value = following.value.value
            return " ".join(value.split()) if isinstance(value, str) else ""
    return ""


def registered_types(
    entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
) -> tuple[list[FieldType], list[str]]:
    """Types installed apps register, and one message per entry point that could not be used."""
    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=FIELD_TYPES_GROUP)
    found: list[FieldType] = []
    problems: list[str] = []
    builtin = {t.key for t in builtin_types()}
    for ep in sorted(entry_points, key=lambda e: e.name):
        origin = ep.dist.name if ep.dist is not None else ep.value
        module, _, attr = ep.value.partition(":")
        if not attr or "." in attr:
            problems.append(f"field type {ep.name!r} from {origin}: expected module:Alias")
            continue
        if ep.name in builtin:
            problems.append(f"field type {ep.name!r} from {origin}: the name is a built-in kind")
            continue
        try:
            loaded = _kind_of(ep.load())
        except Exception as exc:
            problems.append(f"field type {ep.name!r} from {origin}: {type(exc).__name__}: {exc}")
            continue
        found.append(
            FieldType(
                key=ep.name,
                label=attr,
                kind=loaded.kind,
                annotation=attr,
                imports=((module, attr),),
                source=origin,
                description=_attribute_docstring(module, attr),
            )
        )
    return found, problems


def all_types() -> tuple[list[FieldType], list[str]]:
    """Built-in then registered types, with the problems of those that could not be loaded."""
    registered, problems = registered_types()
    return [*builtin_types(), *registered], problems
