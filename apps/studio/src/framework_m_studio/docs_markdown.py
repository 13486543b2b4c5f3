"""Markdown for the reference pages: table cells, inline code, and readable forms of the values a
DocType declares (defaults, naming rules, method signatures).

The pages are committed and diffed, so every value must come out the same way each time and never
break the Markdown around it (a ``|`` in a label, a backtick in a default).
"""

from __future__ import annotations

import inspect
from decimal import Decimal
from enum import Enum
from typing import Any

from framework_m_core.naming import parse_naming


def cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell (one line, no column breaks)."""
    return " ".join(text.replace("|", "\\|").split())


def code(text: str) -> str:
    """``text`` as inline code, whatever backticks it contains."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def first_paragraph(doc: str | None) -> str:
    if not doc:
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split())


def show_value(value: Any) -> str:
    """A value as a reader expects it: ``0`` for ``Decimal("0")``, the value of an enum."""
    if isinstance(value, Enum):
        value = value.value
    return str(value) if isinstance(value, Decimal) else repr(value)


def naming_text(naming: str) -> str:
    rule = parse_naming(naming)
    if rule.kind == "uuid":
        return f"the document id ({code(naming or 'uuid')})"
    if rule.kind == "prompt":
        return "given by whoever creates the document (`prompt`)"
    if rule.kind == "field":
        return f"the value of field {code(str(rule.field))} ({code(naming)})"
    example = "".join(
        "0" * (len(p.value) - 1) + "1"
        if p.kind == "counter"
        else "{" + p.value + "}"
        if p.kind == "field"
        else p.value
        for p in rule.parts
    )
    return f"naming series {code(naming)}, e.g. {code(example)} (one counter per prefix)"


def annotation_text(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def parameter_text(param: inspect.Parameter) -> str:
    text = param.name
    if param.annotation is not inspect.Parameter.empty:
        text += f": {annotation_text(param.annotation)}"
    if param.default is not inspect.Parameter.empty:
        text += f" = {param.default!r}"
    return text
