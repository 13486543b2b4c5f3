"""Hypothesis strategies for Studio's schema: random but valid DocTypes, fields and edits."""

from __future__ import annotations

import keyword
from typing import Any

from hypothesis import strategies as st

from framework_m_core.meta import ACTIONS
from framework_m_studio.model import (
    RESERVED_FIELDS,
    Constraints,
    DocTypeModel,
    Expr,
    FieldModel,
    MetaModel,
    PermissionModel,
)

KINDS = ["data", "int", "float", "bool", "decimal", "date", "datetime", "time", "uuid"]
KINDS += ["select", "link", "table", "json"]
CHILDREN = ["InvoiceRow", "Line"]

names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda n: (
        not keyword.iskeyword(n)
        and n not in RESERVED_FIELDS
        and not n.startswith("model_")
        and n not in ("self", "cls")
    )
)
class_names = st.from_regex(r"[A-Z][a-z]{1,6}([A-Z][a-z]{1,5})?", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n)
)
# Labels and descriptions: printable text with quotes, backslashes and non-ASCII letters.
text = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "Zs", "S"),
        exclude_characters="\u2028\u2029\x85",
    ),
    min_size=1,
    max_size=40,
)
doc_line = st.from_regex(r"[A-Za-z][A-Za-z0-9 ,.;:'()\-]{0,50}[A-Za-z0-9.)]", fullmatch=True).map(
    lambda s: " ".join(s.split())
)
docstrings = st.one_of(
    st.none(),
    doc_line,
    st.lists(doc_line, min_size=2, max_size=3).map(lambda lines: "\n\n".join(lines)),
)


def _number(kind: str) -> st.SearchStrategy[Any]:
    if kind == "int":
        return st.integers(-(10**6), 10**6)
    return st.one_of(
        st.integers(-1000, 1000),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda f: round(f, 3)),
    )


@st.composite
def constraints(draw: st.DrawFn, kind: str) -> Constraints:
    values: dict[str, Any] = {}
    if kind == "data":
        if draw(st.booleans()):
            values["max_length"] = draw(st.integers(1, 500))
        if draw(st.booleans()):
            values["min_length"] = draw(st.integers(0, 5))
        if draw(st.booleans()):
            values["pattern"] = draw(st.sampled_from([r"^[A-Z]+$", r"^\d{3}-\d{4}$", "^a\"b'c$"]))
    if kind in ("int", "float", "decimal"):
        for key in ("ge", "le", "gt", "lt"):
            if draw(st.integers(0, 3)) == 0:
                values[key] = draw(_number("int" if kind == "int" else "float"))
    if kind == "decimal" and draw(st.booleans()):
        values["max_digits"] = draw(st.integers(5, 20))
        values["decimal_places"] = draw(st.integers(0, 4))
    return Constraints(**values)


@st.composite
def fields(draw: st.DrawFn, name: str | None = None, child_ok: bool = True) -> FieldModel:
    kinds = KINDS if child_ok else [k for k in KINDS if k != "table"]
    kind = draw(st.sampled_from(kinds))
    data: dict[str, Any] = {"name": name or draw(names), "type": kind}
    if kind == "link":
        data["link"] = draw(class_names)
    if kind == "table":
        data["child"] = draw(st.sampled_from(CHILDREN))
    if kind == "select":
        data["options"] = draw(st.lists(text, min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        data["label"] = draw(text)
    if draw(st.booleans()):
        data["description"] = draw(text)
    if kind != "table" and draw(st.integers(0, 3)) == 0:
        data["fetch_from"] = draw(st.sampled_from(["customer.customer_name", "item.uom"]))
    data["constraints"] = draw(constraints(kind))
    nullable = kind != "table" and draw(st.booleans())
    data["nullable"] = nullable
    mode = draw(st.sampled_from(["required", "default", "none", "expr"]))
    if mode == "default" or kind == "table":
        data["has_default"] = True
        data["default"] = draw(_default(kind, data))
    elif mode == "none" and (nullable or kind == "json"):
        data["has_default"], data["default"] = True, None
    elif mode == "expr" and kind in ("date", "datetime", "uuid", "json"):
        data["has_default"] = True
        source = {"date": "date.today", "datetime": "datetime.now", "uuid": "uuid4"}
        if kind == "json":
            data["default"] = None  # the empty dict, written as default_factory=dict
        else:
            data["default_factory"] = Expr(source=source[kind])
    return FieldModel.model_validate(data)


def _default(kind: str, data: dict[str, Any]) -> st.SearchStrategy[Any]:
    if kind in ("table", "json"):
        return st.none()
    if kind == "data":
        return text
    if kind == "select":
        return st.sampled_from(data["options"])
    if kind == "int":
        return st.integers(-100, 100)
    if kind == "float":
        return st.floats(-100, 100, allow_nan=False).map(lambda f: round(f, 2))
    if kind == "bool":
        return st.booleans()
    if kind == "decimal":
        return st.decimals(-1000, 1000, places=2, allow_nan=False).map(str)
    if kind == "date":
        return st.just(Expr(source="date(2026, 1, 1)"))
    if kind == "datetime":
        return st.just(Expr(source="datetime(2026, 1, 1, tzinfo=UTC)"))
    if kind == "time":
        return st.just(Expr(source="time(9, 30)"))
    return st.just(Expr(source="UUID(int=0)"))


@st.composite
def permissions(draw: st.DrawFn) -> list[PermissionModel]:
    roles = st.one_of(text, st.just(Expr(source="SALES_USER")))
    return draw(
        st.lists(
            st.builds(
                PermissionModel,
                role=roles,
                actions=st.lists(st.sampled_from(ACTIONS), min_size=1, unique=True),
                rows=st.sampled_from(["all", "own"]),
            ),
            max_size=3,
        )
    )


@st.composite
def metas(draw: st.DrawFn, field_names: list[str]) -> MetaModel:
    pick = st.sampled_from(field_names) if field_names else st.nothing()
    return MetaModel(
        api_resource=draw(st.booleans()),
        naming=draw(st.sampled_from([None, "uuid", "prompt", "INV-.YYYY.-.####", "format:{####}"])),
        is_submittable=draw(st.booleans()),
        track_changes=draw(st.booleans()),
        title_field=draw(st.one_of(st.none(), pick)) if field_names else None,
        search_fields=draw(st.lists(pick, unique=True, max_size=2)) if field_names else [],
        indexes=draw(st.lists(st.lists(pick, min_size=1, max_size=2, unique=True), max_size=2))
        if field_names
        else [],
        label=draw(st.one_of(st.none(), text)),
        description=draw(st.one_of(st.none(), text)),
        permissions=draw(permissions()),
    )


@st.composite
def doctypes(draw: st.DrawFn, name: str | None = None) -> DocTypeModel:
    field_names = draw(st.lists(names, unique=True, max_size=6))
    is_child = draw(st.integers(0, 4)) == 0
    declared = [draw(fields(n, child_ok=not is_child)) for n in field_names]
    return DocTypeModel(
        name=name or draw(class_names),
        is_child=is_child,
        docstring=draw(docstrings),
        fields=declared,
        meta=MetaModel() if is_child else draw(metas(field_names)),
    )


@st.composite
def edits(draw: st.DrawFn, old: DocTypeModel) -> DocTypeModel:
    """A new schema for ``old``: fields kept, changed, renamed, removed, added and reordered."""
    taken = {f.name for f in old.fields}
    result: list[FieldModel] = []
    for f in old.fields:
        action = draw(st.sampled_from(["keep", "change", "rename", "remove"]))
        if action == "remove":
            continue
        new_name = f.name
        if action == "rename":
            new_name = draw(names.filter(lambda n: n not in taken))
            taken.add(new_name)
        if action == "change":
            changed = draw(fields(new_name, child_ok=not old.is_child))
        else:
            changed = f.model_copy(update={"name": new_name})
        result.append(changed.model_copy(update={"previous_name": f.name}))
    for _ in range(draw(st.integers(0, 2))):
        new_name = draw(names.filter(lambda n: n not in taken))
        taken.add(new_name)
        result.append(draw(fields(new_name, child_ok=not old.is_child)))
    result = draw(st.permutations(result))
    final_names = [f.name for f in result]
    meta = old.meta
    if not old.is_child and draw(st.booleans()):
        meta = draw(metas(final_names))
    elif not old.is_child:
        meta = MetaModel.model_validate(
            {
                **meta.model_dump(),
                "title_field": meta.title_field if meta.title_field in final_names else None,
                "search_fields": [s for s in meta.search_fields if s in final_names],
                "indexes": [g for g in meta.indexes if all(x in final_names for x in g)],
                "unique_together": [],
            }
        )
    docstring = draw(docstrings) if draw(st.booleans()) else old.docstring
    return DocTypeModel(
        name=old.name, is_child=old.is_child, docstring=docstring, fields=result, meta=meta
    )
