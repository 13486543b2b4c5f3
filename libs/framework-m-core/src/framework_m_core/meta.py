"""What the framework knows about a DocType: its options and a typed description of every field.

``DocTypeMeta.of(cls)`` reads a DocType class once and checks it; adapters derive storage from
``FieldSpec.kind`` and never inspect pydantic internals themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.fields import FieldInfo

from .doctype import (
    CHILD_STANDARD_FIELDS,
    STANDARD_FIELDS,
    ChildDocType,
    DocType,
    FetchFrom,
    Label,
    Link,
)
from .errors import ConfigurationError
from .naming import parse_naming

Action = Literal["read", "write", "create", "delete", "submit", "cancel", "amend"]
ACTIONS: tuple[Action, ...] = typing.get_args(Action)

FieldKind = Literal[
    "data",
    "int",
    "float",
    "bool",
    "decimal",
    "date",
    "datetime",
    "time",
    "uuid",
    "select",
    "link",
    "table",
    "json",
]


class PermissionRule(BaseModel):
    """Grants ``actions`` to ``role``; ``rows="own"`` limits them to rows matched by row-level security."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    actions: frozenset[Action]
    rows: Literal["all", "own"] = "all"


class MetaOptions(BaseModel):
    """The validated options of a DocType's inner ``Meta`` class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_resource: bool = False
    naming: str = "uuid"
    permissions: tuple[PermissionRule, ...] = ()
    rls_field: str = "owner"
    is_submittable: bool = False
    is_child: bool = False
    is_single: bool = False
    indexes: tuple[tuple[str, ...], ...] = ()
    unique_together: tuple[tuple[str, ...], ...] = ()
    title_field: str | None = None
    search_fields: tuple[str, ...] = ()
    track_changes: bool = False
    label: str | None = None
    description: str | None = None

    @field_validator("permissions", mode="before")
    @classmethod
    def _permissions_shorthand(cls, value: Any) -> Any:
        # {"Sales User": ["read", "write"]} is shorthand for rules over all rows.
        if isinstance(value, Mapping):
            return [{"role": role, "actions": actions} for role, actions in value.items()]
        return value

    @field_validator("indexes", "unique_together", mode="before")
    @classmethod
    def _single_field_groups(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [(item,) if isinstance(item, str) else item for item in value]
        return value


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One stored field, described in storage-neutral terms."""

    name: str
    kind: FieldKind
    python_type: Any
    nullable: bool
    required: bool
    standard: bool = False
    label: str = ""
    description: str | None = None
    link_doctype: str | None = None
    child_model: type[ChildDocType] | None = None
    options: tuple[Any, ...] = ()
    fetch_from: FetchFrom | None = None
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None


_SCALARS: dict[Any, FieldKind] = {
    str: "data",
    bool: "bool",
    int: "int",
    float: "float",
    Decimal: "decimal",
    dt.datetime: "datetime",
    dt.date: "date",
    dt.time: "time",
    UUID: "uuid",
}


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        nullable = len(args) != len(get_args(annotation))
        if len(args) == 1:
            return args[0], nullable
        return typing.Union[tuple(args)], nullable  # noqa: UP007 - rebuilt at run time
    return annotation, False


def _constraint(info: FieldInfo, attr: str) -> Any:
    for item in info.metadata:
        value = getattr(item, attr, None)
        if value is not None:
            return value
    return None


def describe_field(name: str, info: FieldInfo, *, standard: bool = False) -> FieldSpec:
    """Classify a pydantic field into a ``FieldSpec``; unsupported types raise ConfigurationError."""
    annotation, nullable = _strip_optional(info.annotation)
    markers = info.metadata
    link = next((m for m in markers if isinstance(m, Link)), None)
    fetch = next((m for m in markers if isinstance(m, FetchFrom)), None)
    label = next((m.text for m in markers if isinstance(m, Label)), None)
    common: dict[str, Any] = {
        "name": name,
        "python_type": annotation,
        "nullable": nullable,
        "required": info.is_required(),
        "standard": standard,
        "label": label or info.title or name.replace("_", " ").title(),
        "description": info.description,
        "fetch_from": fetch,
    }
    origin = get_origin(annotation)
    if link is not None:
        if annotation is not UUID:
            raise ConfigurationError(
                f"Link field {name!r} must be typed UUID (it stores the target id)"
            )
        return FieldSpec(kind="link", link_doctype=link.doctype, **common)
    if origin is Literal:
        return FieldSpec(kind="select", options=get_args(annotation), **common)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = tuple(member.value for member in annotation)
        return FieldSpec(kind="select", options=values, **common)
    if origin is list and get_args(annotation):
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, ChildDocType):
            return FieldSpec(kind="table", child_model=item, **common)
    if origin in (list, dict) or annotation in (list, dict):
        return FieldSpec(kind="json", **common)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if issubclass(annotation, DocType):
            raise ConfigurationError(
                f"field {name!r} embeds DocType {annotation.__name__}; use a Link or a ChildDocType table"
            )
        return FieldSpec(kind="json", **common)
    kind = _SCALARS.get(annotation)
    if kind is None:
        raise ConfigurationError(f"field {name!r} has unsupported type {annotation!r}")
    return FieldSpec(
        kind=kind,
        max_length=_constraint(info, "max_length") if kind == "data" else None,
        max_digits=_constraint(info, "max_digits") if kind == "decimal" else None,
        decimal_places=_constraint(info, "decimal_places") if kind == "decimal" else None,
        **common,
    )


def _custom_serialization(schema: Any) -> bool:
    """Whether a pydantic core schema serializes anything its own way (a serializer anywhere in it)."""
    if isinstance(schema, dict):
        return "serialization" in schema or any(_custom_serialization(v) for v in schema.values())
    if isinstance(schema, list | tuple):
        return any(_custom_serialization(v) for v in schema)
    return False


def read_options(model: type[BaseModel]) -> MetaOptions:
    """Collect the public attributes of ``model.Meta`` (inherited Meta classes count) and validate them."""
    raw: dict[str, Any] = {}
    meta_cls = getattr(model, "Meta", None)
    if meta_cls is not None:
        for klass in reversed(meta_cls.__mro__):
            raw.update({k: v for k, v in vars(klass).items() if not k.startswith("_")})
    if issubclass(model, ChildDocType):
        raw["is_child"] = True
    try:
        return MetaOptions.model_validate(raw)
    except Exception as exc:
        raise ConfigurationError(f"invalid Meta options on {model.__name__}: {exc}") from exc


@dataclass(frozen=True, eq=False)
class DocTypeMeta:
    """A DocType's name, options and fields. Built once per class; immutable afterwards."""

    name: str
    model: type[BaseModel]
    options: MetaOptions
    fields: Mapping[str, FieldSpec]
    computed: tuple[str, ...]
    app: str | None = None
    children: Mapping[str, DocTypeMeta] = field(default_factory=dict)

    @classmethod
    def of(
        cls, model: type[BaseModel], *, app: str | None = None, name: str | None = None
    ) -> DocTypeMeta:
        """Describe ``model`` and check its options refer to real fields."""
        if not issubclass(model, DocType | ChildDocType):
            raise ConfigurationError(f"{model!r} is not a DocType or ChildDocType")
        options = read_options(model)
        standard = CHILD_STANDARD_FIELDS if issubclass(model, ChildDocType) else STANDARD_FIELDS
        specs = {
            fname: describe_field(fname, info, standard=fname in standard)
            for fname, info in model.model_fields.items()
        }
        children: dict[str, DocTypeMeta] = {}
        for spec in specs.values():
            if spec.child_model is not None:
                if options.is_child:
                    raise ConfigurationError(
                        f"child DocType {model.__name__} cannot contain a table ({spec.name!r})"
                    )
                children[spec.name] = DocTypeMeta.of(spec.child_model, app=app)
        meta = cls(
            name=name or model.__name__,
            model=model,
            options=options,
            fields=specs,
            computed=tuple(model.model_computed_fields),
            app=app,
            children=children,
        )
        meta._check()
        return meta

    def _check(self) -> None:
        opts = self.options
        referenced: list[tuple[str, str]] = [("rls_field", opts.rls_field)]
        if opts.title_field:
            referenced.append(("title_field", opts.title_field))
        referenced += [("search_fields", f) for f in opts.search_fields]
        referenced += [("indexes", f) for group in opts.indexes for f in group]
        referenced += [("unique_together", f) for group in opts.unique_together for f in group]
        if not opts.is_child:
            referenced += [("naming", f) for f in parse_naming(opts.naming).fields]
        for option, fname in referenced:
            if fname not in self.fields and not (self.options.is_child and option == "rls_field"):
                raise ConfigurationError(f"{self.name}.Meta.{option} names unknown field {fname!r}")
        for spec in self.fields.values():
            fetch = spec.fetch_from
            if fetch is None:
                continue
            source = self.fields.get(fetch.link_field)
            if source is None or source.kind != "link":
                raise ConfigurationError(
                    f"{self.name}.{spec.name}: fetch_from {fetch.source!r} must start with a Link field"
                )
        if opts.is_submittable and opts.is_child:
            raise ConfigurationError(f"{self.name}: a child DocType cannot be submittable")

    @cached_property
    def hidden_fields(self) -> frozenset[str]:
        """Stored fields the model leaves out of its JSON (``Field(exclude=True)``)."""
        return frozenset(n for n, info in self.model.model_fields.items() if info.exclude)

    @cached_property
    def serves_records(self) -> bool:
        """Whether a stored record encodes to the same JSON as the document rebuilt from it.

        True unless the model changes its serialized form (computed or excluded fields, custom
        serializers, non-default special-float output); readers that only encode documents may then
        skip building them, which is most of the cost of serving a page."""
        model = self.model
        if self.computed or model.model_config.get("ser_json_inf_nan", "null") != "null":
            return False
        if self.hidden_fields:
            return False
        if any(not child.serves_records for child in self.children.values()):
            return False
        return not _custom_serialization(model.__pydantic_core_schema__)

    @cached_property
    def data_fields(self) -> tuple[FieldSpec, ...]:
        """Stored fields that are not child tables, standard fields first."""
        return tuple(f for f in self.fields.values() if f.kind != "table")

    @cached_property
    def links(self) -> dict[str, str]:
        """Link fieldname → target DocType name."""
        return {f.name: f.link_doctype for f in self.fields.values() if f.link_doctype}

    def field(self, name: str) -> FieldSpec | None:
        return self.fields.get(name)
