"""Identifiers for generated code, made from names an OpenAPI document uses on the wire.

Wire names (operation ids, schema and property names) can be anything; every generated identifier is
derived here so the two languages agree on words and both avoid their keywords and our own names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    """``list_SalesInvoice`` → ``["list", "Sales", "Invoice"]``; ``getHTTPStatus`` → get, HTTP,
    Status. Anything that is not a letter or digit separates words."""
    return [w for part in re.split(r"[^A-Za-z0-9]+", text) for w in _WORD.findall(part)]


def snake(text: str) -> str:
    return "_".join(w.lower() for w in words(text))


def camel(text: str) -> str:
    parts = words(text)
    if not parts:
        return ""
    return parts[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in parts[1:])


def pascal(text: str) -> str:
    """Words capitalised and joined; a word already in mixed case keeps it (``SalesInvoice``)."""
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def type_name(text: str) -> str:
    """A class or interface name for a schema: kept as written when it is already an identifier
    (``SalesInvoice`` stays, so generated names match the server's), else built from its words."""
    if text.isidentifier() and text.isascii() and not text.startswith("_"):
        return text[:1].upper() + text[1:]
    return pascal(text) or "Schema"


def unique(name: str, taken: Collection[str], suffix: str = "_") -> str:
    """``name`` if free, else ``name`` with ``suffix`` (then a number) appended until it is."""
    if name not in taken:
        return name
    candidate = f"{name}{suffix}"
    counter = 2
    while candidate in taken:
        candidate = f"{name}{suffix}{counter}"
        counter += 1
    return candidate


def allocate(wanted: Iterable[tuple[str, str]], reserved: Collection[str]) -> dict[str, str]:
    """Map each key to its wanted identifier, renaming later duplicates and reserved words so that
    no two keys share one. Keys are processed in order, so the result is deterministic."""
    taken = set(reserved)
    chosen: dict[str, str] = {}
    for key, name in wanted:
        final = unique(name, taken)
        taken.add(final)
        chosen[key] = final
    return chosen
