"""Naming rules: how a new document gets its unique, human-readable ``name``.

``Meta.naming`` takes one of:

* ``"uuid"`` (default): the document id as text;
* ``"prompt"``: the caller supplies the name;
* ``"field:<fieldname>"``: the value of a field;
* a series such as ``"INV-.YYYY.-.MM.-.####"`` (``series:`` prefix optional): parts between dots are date
  tokens ``YYYY YY MM DD``, a run of ``#`` (the counter, zero-padded to that width) or literal text;
* ``"format:{customer}-{YYYY}-{####}"``: braces hold a field (a Link contributes the linked document's
  name), a date token or the counter.

Counters come from the NamingCounter port, keyed by the rendered text around the counter, so each
prefix (e.g. each month) counts on its own.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .ports.naming_counter import NamingCounter

_DATE_TOKENS = {"YYYY": "%Y", "YY": "%y", "MM": "%m", "DD": "%d"}
_BRACES = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class Part:
    kind: Literal["text", "date", "counter", "field"]
    value: str


@dataclass(frozen=True, slots=True)
class NamingRule:
    kind: Literal["uuid", "prompt", "field", "series"]
    field: str | None = None
    parts: tuple[Part, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields the rule reads (for validation at start-up)."""
        if self.field:
            return (self.field,)
        return tuple(p.value for p in self.parts if p.kind == "field")


def _token(token: str, spec: str, *, allow_text: bool) -> Part:
    if token in _DATE_TOKENS:
        return Part("date", token)
    if token and set(token) == {"#"}:
        return Part("counter", token)
    if allow_text:
        return Part("text", token)
    if token.isidentifier():
        return Part("field", token)
    raise ConfigurationError(
        f"naming rule {spec!r}: {{{token}}} is not a field, date token or counter"
    )


def parse_naming(spec: str) -> NamingRule:
    """Parse ``Meta.naming``; a malformed rule raises ConfigurationError naming the problem."""
    if spec in ("uuid", "hash", ""):
        return NamingRule("uuid")
    if spec == "prompt":
        return NamingRule("prompt")
    if spec.startswith("field:"):
        fieldname = spec.removeprefix("field:").strip()
        if not fieldname.isidentifier():
            raise ConfigurationError(f"naming rule {spec!r}: {fieldname!r} is not a field name")
        return NamingRule("field", field=fieldname)
    if spec.startswith("format:"):
        template = spec.removeprefix("format:")
        parts: list[Part] = []
        pos = 0
        for match in _BRACES.finditer(template):
            if match.start() > pos:
                parts.append(Part("text", template[pos : match.start()]))
            parts.append(_token(match.group(1).strip(), spec, allow_text=False))
            pos = match.end()
        if pos < len(template):
            parts.append(Part("text", template[pos:]))
        if "{" in "".join(p.value for p in parts if p.kind == "text"):
            raise ConfigurationError(f"naming rule {spec!r} has an unbalanced brace")
        return _checked(spec, parts)
    pattern = spec.removeprefix("series:")
    if "." not in pattern and "#" not in pattern:
        raise ConfigurationError(
            f"unknown naming rule {spec!r}; use uuid, prompt, field:<name>, format:… or a series like INV-.####"
        )
    return _checked(spec, [_token(t, spec, allow_text=True) for t in pattern.split(".") if t])


def _checked(spec: str, parts: list[Part]) -> NamingRule:
    counters = [p for p in parts if p.kind == "counter"]
    if len(counters) != 1:
        raise ConfigurationError(
            f"naming rule {spec!r} must contain exactly one counter such as ####"
        )
    return NamingRule("series", parts=tuple(parts))


@dataclass(frozen=True, slots=True)
class SeriesName:
    """A series name with its counter still to draw: ``key`` is what the counter counts."""

    template: str
    width: int

    @property
    def key(self) -> str:
        return self.template.replace("\x00", "#" * self.width)

    def format(self, number: int) -> str:
        return self.template.replace("\x00", str(number).zfill(self.width))


async def plan_series(
    rule: NamingRule, *, now: datetime, value_of: Callable[[str], Awaitable[str]]
) -> SeriesName:
    """Render everything of a series/format rule except its number."""
    rendered: list[str] = []
    width = 0
    for part in rule.parts:
        if part.kind == "text":
            rendered.append(part.value)
        elif part.kind == "date":
            rendered.append(now.strftime(_DATE_TOKENS[part.value]))
        elif part.kind == "field":
            rendered.append(await value_of(part.value))
        else:
            width = len(part.value)
            rendered.append("\x00")
    return SeriesName("".join(rendered), width)


async def render_series(
    rule: NamingRule,
    *,
    now: datetime,
    counter: NamingCounter,
    value_of: Callable[[str], Awaitable[str]],
) -> str:
    """Render a series/format rule, drawing the next number for its prefix from ``counter``."""
    planned = await plan_series(rule, now=now, value_of=value_of)
    return planned.format(await counter.next(planned.key))
