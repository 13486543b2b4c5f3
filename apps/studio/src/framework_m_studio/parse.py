"""Python → schema: read DocType, child DocType and controller classes from a module with libcst.

Nothing is imported or executed: a module half-way through an edit, or one whose imports are not
installed, still reads. What Studio cannot model is kept as source (``Expr``, ``type="python"``) so a
round trip never loses it. A class's fields are read by ``parse_field``, its ``Meta`` by
``parse_meta``; this module finds the classes and puts the parts together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from framework_m_core.controller import HOOKS
from framework_m_core.errors import ValidationError

from .model import ControllerModel, DocTypeModel, MethodModel
from .parse_field import field_nodes, read_field
from .parse_meta import read_meta
from .render import Catalog
from .syntax import base_names, docstring, dotted_name, subscript_items

DOCTYPE_BASES = {"DocType": False, "ChildDocType": True}


def read_doctype(cls: cst.ClassDef, catalog: Catalog) -> DocTypeModel:
    """A DocType class as Studio's schema."""
    assert isinstance(cls.body, cst.IndentedBlock)
    is_child = "ChildDocType" in base_names(cls)
    return DocTypeModel(
        name=cls.name.value,
        is_child=is_child,
        docstring=docstring(cls.body.body),
        fields=[read_field(node, catalog) for node in field_nodes(cls)],
        meta=read_meta(cls),
    )


def read_controller(cls: cst.ClassDef) -> ControllerModel | None:
    """A ``Controller[X]`` subclass's hooks and methods; ``None`` for any other class."""
    target: str | None = None
    for arg in cls.bases:
        value = arg.value
        if isinstance(value, cst.Subscript) and dotted_name(value.value) in (
            "Controller",
            "framework_m.Controller",
        ):
            items = subscript_items(value)
            if len(items) == 1:
                target = dotted_name(items[0])
    if target is None:
        return None
    assert isinstance(cls.body, cst.IndentedBlock)
    methods: list[MethodModel] = []
    for statement in cls.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        name = statement.name.value
        decorators = [
            dotted_name(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
            for d in statement.decorators
        ]
        kind: Literal["hook", "whitelisted", "other"]
        if name in HOOKS:
            kind = "hook"
        elif any(d in ("whitelist", "framework_m.whitelist") for d in decorators):
            kind = "whitelisted"
        else:
            kind = "other"
        body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
        methods.append(
            MethodModel(
                name=name,
                kind=kind,
                is_async=statement.asynchronous is not None,
                docstring=docstring(body),
            )
        )
    return ControllerModel(name=cls.name.value, doctype=target.rsplit(".", 1)[-1], methods=methods)


@dataclass
class ModuleContents:
    """What a module declares, in source order."""

    doctypes: list[DocTypeModel]
    controllers: list[ControllerModel]


def doctype_classes(module: cst.Module) -> Iterator[cst.ClassDef]:
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and set(base_names(statement)) & set(DOCTYPE_BASES):
            yield statement


def read_module(source: str, catalog: Catalog) -> ModuleContents:
    """Every top-level DocType and controller of ``source``. Raises ValidationError on bad syntax."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise ValidationError(
            f"the module does not parse: {exc.message} (line {exc.raw_line})"
        ) from None
    doctypes = [read_doctype(cls, catalog) for cls in doctype_classes(module)]
    controllers = [
        c
        for statement in module.body
        if isinstance(statement, cst.ClassDef) and (c := read_controller(statement)) is not None
    ]
    return ModuleContents(doctypes, controllers)
