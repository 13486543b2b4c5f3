"""Python source laid out the way ``ruff format`` leaves it, without running ruff.

The rule that makes this simple: a construct either fits on its line, or every item of its brackets
goes on a line of its own followed by a comma. Ruff keeps such a "magic trailing comma" layout as it
is, whatever the line length of the project that formats it, so the generated code is stable under
88 (ruff's default) and anything wider.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

LIMIT = 88
INDENT = "    "


@dataclass(frozen=True)
class Group:
    """``head`` + ``open`` + comma-separated ``items`` + ``close`` + ``tail``: a call, a subscript,
    a signature or a literal that may be split across lines."""

    head: str
    open: str
    items: tuple[Code, ...]
    close: str
    tail: str = ""

    def with_head(self, prefix: str) -> Group:
        return Group(prefix + self.head, self.open, self.items, self.close, self.tail)

    def with_tail(self, suffix: str) -> Group:
        return Group(self.head, self.open, self.items, self.close, self.tail + suffix)


Code = str | Group


def flat(code: Code) -> str:
    if isinstance(code, str):
        return code
    inner = ", ".join(flat(item) for item in code.items)
    return f"{code.head}{code.open}{inner}{code.close}{code.tail}"


def lines(code: Code, indent: str = "", limit: int = LIMIT) -> list[str]:
    """``code`` at ``indent``: one line when it fits (or cannot be split), else exploded."""
    one = indent + flat(code)
    if isinstance(code, str) or len(one) <= limit or not code.items:
        return [one]
    out = [f"{indent}{code.head}{code.open}"]
    for item in code.items:
        rendered = lines(item, indent + INDENT, limit - 1)
        rendered[-1] += ","
        out.extend(rendered)
    out.append(f"{indent}{code.close}{code.tail}")
    return out


def block(code: Code, indent: str = "", limit: int = LIMIT) -> str:
    return "\n".join(lines(code, indent, limit))


def py_str(text: str) -> str:
    """A string literal with the quotes ruff prefers: double, unless that needs more escapes."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return quote + "".join(out) + quote


def _clean(text: str) -> list[str]:
    """Prose as docstring lines: newlines normalised, tabs expanded, control characters escaped,
    trailing spaces and surrounding blank lines dropped, common indentation removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    escaped = []
    for ch in text:
        if ch == "\\":
            escaped.append("\\\\")
        elif ch == "\n" or ch.isprintable():
            escaped.append(ch)
        else:
            escaped.append(f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}")
    body = "".join(escaped).replace('"""', '\\"\\"\\"')
    rows = [row.rstrip() for row in body.split("\n")]
    while rows and not rows[0]:
        rows.pop(0)
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        return []
    first, rest = rows[0].lstrip(), textwrap.dedent("\n".join(rows[1:])).split("\n")
    return [first, *rest] if len(rows) > 1 else [first]


def _wrap(rows: list[str], width: int) -> list[str]:
    wrapped: list[str] = []
    for row in rows:
        if len(row) <= width:
            wrapped.append(row)
            continue
        lead = row[: len(row) - len(row.lstrip())]
        wrapped.extend(
            textwrap.wrap(
                row,
                width=width,
                initial_indent="",
                subsequent_indent=lead,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [row]
        )
    return wrapped


def docstring(text: str, indent: str, limit: int = LIMIT) -> str:
    """``text`` as a triple-quoted string at ``indent``, wrapped to ``limit``, in ruff's layout."""
    rows = _clean(text)
    if not rows:
        return ""
    if len(rows) == 1 and len(indent) + len(rows[0]) + 6 <= limit and not rows[0].endswith('"'):
        return f'{indent}"""{rows[0]}"""'
    rows = _wrap(rows, limit - len(indent) - 3)
    body = [f"{indent}{row}" if row else "" for row in rows[1:]]
    return "\n".join([f'{indent}"""{rows[0]}', *body, f'{indent}"""'])
