"""The schema Studio reads from and writes to Python: DocTypes, fields, Meta options, controllers.

It is the contract between the code (parsed with libcst), the templates, the editing transforms and the
browser. Values Studio cannot express as data — a role given by a constant, a default computed by a
call — travel as Python source text (``Expr``), so they survive a round trip unchanged.
"""

from __future__ import annotations

import keyword
import math
import re
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from framework_m_core.meta import ACTIONS, Action, FieldKind
from framework_m_core.naming import parse_naming

BUILTIN_KINDS: tuple[str, ...] = get_args(FieldKind)
"""Field types every project has: the core's ``FieldKind`` values."""
KIND_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "data": ("min_length", "max_length", "pattern"),
    "int": ("gt", "ge", "lt", "le"),
    "float": ("gt", "ge", "lt", "le"),
    "decimal": ("gt", "ge", "lt", "le", "max_digits", "decimal_places"),
}
"""The ``Field`` constraints each kind takes, in the order forms show them (served to the UI)."""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
RESERVED_FIELDS = frozenset(
    {"id", "name", "owner", "creation", "modified", "modified_by", "version", "docstatus"}
    | {"amended_from", "idx", "parent", "parenttype", "parentfield", "Meta", "model_config"}
)


def _field_name(value: str) -> str:
    if not _IDENTIFIER.match(value) or keyword.iskeyword(value) or value.startswith("_"):
        raise ValueError(f"{value!r} is not a field name: use lower_case letters, digits and _")
    if value in RESERVED_FIELDS or value.startswith("model_"):
        raise ValueError(f"{value!r} is reserved by the framework")
    return value


def _class_name(value: str) -> str:
    if not _CLASS_NAME.match(value) or keyword.iskeyword(value):
        raise ValueError(f"{value!r} is not a DocType name: use CamelCase letters and digits")
    return value


FieldName = Annotated[str, AfterValidator(_field_name)]
ClassName = Annotated[str, AfterValidator(_class_name)]


class Expr(BaseModel):
    """Python source Studio keeps verbatim (``SALES_USER``, ``date.today``); never evaluated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Constraints(_Model):
    """pydantic ``Field`` constraints Studio edits; others stay in the code untouched."""

    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None
    gt: int | float | None = None
    ge: int | float | None = None
    lt: int | float | None = None
    le: int | float | None = None
    max_digits: int | None = Field(default=None, ge=1, le=1000)
    decimal_places: int | None = Field(default=None, ge=0, le=1000)

    def items(self) -> list[tuple[str, object]]:
        """The constraints that are set, in declaration order."""
        return [(k, v) for k, v in self.model_dump().items() if v is not None]


class FieldModel(_Model):
    """One declared field.

    ``has_default=False`` makes it required. Otherwise ``default`` is the value: a JSON scalar (a
    decimal's as text), ``None`` (a nullable field's ``None``, a table's or JSON field's empty value),
    or ``Expr`` for anything else; ``default_factory`` holds any other factory as source."""

    name: FieldName
    type: str = Field(description="a kind from BUILTIN_KINDS or a registered field type's key")
    nullable: bool = False
    has_default: bool = False
    default: str | int | float | bool | Expr | None = None
    default_factory: Expr | None = None
    label: str | None = None
    description: str | None = None
    link: ClassName | None = Field(default=None, description="target DocType of a link")
    child: ClassName | None = Field(default=None, description="child DocType of a table")
    options: list[str] = Field(default_factory=list, description="choices of a select")
    fetch_from: str | None = None
    constraints: Constraints = Field(default_factory=Constraints)
    annotation: str | None = Field(
        default=None,
        description="the type as written, for a type Studio does not model (read-only)",
    )
    previous_name: str | None = Field(
        default=None,
        description="in an update: the name this field had when it was read (None for a new field)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> FieldModel:
        if self.type == "link" and not self.link:
            raise ValueError(f"field {self.name!r}: a link needs its target DocType")
        if self.type == "table" and not self.child:
            raise ValueError(f"field {self.name!r}: a table needs its child DocType")
        if self.type == "select":
            if not self.options:
                raise ValueError(f"field {self.name!r}: a select needs at least one option")
            if len(set(self.options)) != len(self.options):
                raise ValueError(f"field {self.name!r}: select options repeat")
        if self.type != "link" and self.link:
            raise ValueError(f"field {self.name!r}: only a link field has a target DocType")
        if self.type != "table" and self.child:
            raise ValueError(f"field {self.name!r}: only a table field has a child DocType")
        if self.type != "select" and self.options:
            raise ValueError(f"field {self.name!r}: only a select field has options")
        self._check_default()
        if self.type in KIND_CONSTRAINTS or self.type in BUILTIN_KINDS:
            allowed = KIND_CONSTRAINTS.get(self.type, ())
            extra = [k for k, _ in self.constraints.items() if k not in allowed]
            if extra:
                raise ValueError(f"field {self.name!r}: {self.type} takes no {', '.join(extra)}")
        if self.fetch_from is not None and not re.fullmatch(
            r"[a-z_]\w*\.[a-z_]\w*", self.fetch_from
        ):
            raise ValueError(f"field {self.name!r}: fetch_from is link_field.target_field")
        return self

    def _check_default(self) -> None:
        where = f"field {self.name!r}"
        if not self.has_default:
            if self.default is not None or self.default_factory is not None:
                raise ValueError(f"{where}: a default is given but has_default is false")
            return
        if self.default_factory is not None:
            if self.default is not None:
                raise ValueError(f"{where}: give a default or a default_factory, not both")
            return
        value = self.default
        if value is None:
            if not self.nullable and self.type not in ("table", "json"):
                raise ValueError(f"{where}: None is not a value of a field that is not nullable")
            return
        if isinstance(value, Expr) or self.type not in BUILTIN_KINDS:
            return
        expected: dict[str, tuple[type, ...]] = {
            "data": (str,),
            "select": (str,),
            "int": (int,),
            "float": (int, float),
            "bool": (bool,),
            "decimal": (str,),
        }
        types = expected.get(self.type)
        if types is None:
            raise ValueError(f"{where}: a {self.type} default must be a Python expression")
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ValueError(f"{where}: {value!r} is not a {self.type} value")
        if self.type == "select" and value not in self.options:
            raise ValueError(f"{where}: the default {value!r} is not one of the options")
        if self.type == "decimal":
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                raise ValueError(f"{where}: {value!r} is not a decimal number") from None
            if not number.is_finite():
                raise ValueError(f"{where}: a decimal default must be finite")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{where}: a float default must be finite")

    @property
    def required(self) -> bool:
        return not self.has_default


class PermissionModel(_Model):
    """``PermissionRule(role=…, actions=…, rows=…)``; ``role`` may be a constant (``Expr``)."""

    role: str | Expr
    actions: list[Action]
    rows: Literal["all", "own"] = "all"

    @model_validator(mode="after")
    def _canonical(self) -> PermissionModel:
        if not self.actions:
            raise ValueError("a permission rule grants at least one action")
        self.actions = [a for a in ACTIONS if a in set(self.actions)]
        return self


class MetaModel(_Model):
    """The ``class Meta`` options Studio edits; ``other`` holds the rest as source text."""

    api_resource: bool = False
    naming: str | None = None
    is_submittable: bool = False
    track_changes: bool = False
    title_field: str | None = None
    search_fields: list[str] = Field(default_factory=list)
    indexes: list[list[str]] = Field(default_factory=list)
    unique_together: list[list[str]] = Field(default_factory=list)
    label: str | None = None
    description: str | None = None
    permissions: list[PermissionModel] | Expr = Field(default_factory=list)
    other: dict[str, Expr] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid_naming(self) -> MetaModel:
        if self.naming is not None:
            try:
                parse_naming(self.naming)
            except Exception as exc:
                raise ValueError(f"naming {self.naming!r}: {exc}") from None
        return self


class DocTypeModel(_Model):
    """A DocType (or a child DocType) as Studio edits it."""

    name: ClassName
    is_child: bool = False
    docstring: str | None = None
    fields: list[FieldModel] = Field(default_factory=list)
    meta: MetaModel = Field(default_factory=MetaModel)

    @model_validator(mode="after")
    def _unique_fields(self) -> DocTypeModel:
        seen: set[str] = set()
        for f in self.fields:
            if f.name in seen:
                raise ValueError(f"field {f.name!r} is declared twice")
            seen.add(f.name)
        names = seen | {"name", "owner", "creation", "modified"}
        meta = self.meta
        for group in [meta.search_fields, *meta.indexes, *meta.unique_together]:
            for item in group:
                if item not in names:
                    raise ValueError(f"Meta names an unknown field {item!r}")
        if meta.title_field is not None and meta.title_field not in names:
            raise ValueError(f"Meta.title_field names an unknown field {meta.title_field!r}")
        return self


class MethodModel(_Model):
    """A controller method as the UI shows it (read-only: Studio never edits method bodies)."""

    name: str
    kind: Literal["hook", "whitelisted", "other"]
    is_async: bool
    docstring: str | None = None


class ControllerModel(_Model):
    """A ``Controller[...]`` subclass found next to the DocType."""

    name: str
    doctype: str
    methods: list[MethodModel] = Field(default_factory=list)
