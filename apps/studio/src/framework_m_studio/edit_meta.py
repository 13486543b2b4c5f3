"""Edit a DocType's ``class Meta`` in place: only the options whose value changed are rewritten.

Options are compared as the source Studio would write for them (a known option) or as the source
written (one kept in ``MetaModel.other``). A changed option is re-rendered where it stands, keeping
the comments above and beside it; a new one goes after the options that precede it in
``META_ORDER``; a removed one hands its comments to the next statement. A Meta class left empty is
removed, unless a comment in it would be lost; then it keeps a ``pass``.
"""

from __future__ import annotations

import libcst as cst

from .model import DocTypeModel, MetaModel
from .render import META_ORDER, meta_block, meta_statement, meta_value
from .statements import (
    Statement,
    blank_prefix,
    block_indent,
    carry,
    is_field,
    is_pass,
    parse_in_block,
    statements_of,
    with_leading,
)
from .syntax import docstring, has_comment


def edit_meta(
    module: cst.Module,
    body_and_footer: tuple[list[Statement], list[cst.EmptyLine]],
    old: MetaModel,
    new: DocTypeModel,
    indent: str,
) -> tuple[list[Statement], list[cst.EmptyLine]]:
    """The class body (of ``module``, indented ``indent``) with its Meta changed from ``old`` to
    ``new.meta``; a child DocType has no Meta, so its body comes back as it was."""
    body, footer = body_and_footer
    if new.is_child or old == new.meta:
        return body, footer
    at = next(
        (i for i, s in enumerate(body) if isinstance(s, cst.ClassDef) and s.name.value == "Meta"),
        None,
    )
    if at is None:
        block = meta_block(new.meta, indent)
        if block is None:
            return body, footer
        statement = with_leading(parse_in_block(block.source, 1, module), [cst.EmptyLine()])
        last_field = max((i for i, s in enumerate(body) if is_field(s)), default=None)
        where = (last_field + 1) if last_field is not None else len(body)
        body.insert(where, statement)
        if where + 1 < len(body) and not blank_prefix(body[where + 1].leading_lines)[0]:
            body[where + 1] = with_leading(
                body[where + 1], [cst.EmptyLine(), *body[where + 1].leading_lines]
            )
        return body, footer
    meta = body[at]
    assert isinstance(meta, cst.ClassDef)
    assert isinstance(meta.body, cst.IndentedBlock)
    inner = block_indent(module, meta.body, indent)
    statements = statements_of(meta.body.body)
    options = [
        *META_ORDER,
        *[k for k in old.other if k not in META_ORDER],
        *[k for k in new.meta.other if k not in old.other and k not in META_ORDER],
    ]
    for option in options:
        before = old.other[option].source if option in old.other else _known(old, option)
        after = (
            new.meta.other[option].source if option in new.meta.other else _known(new.meta, option)
        )
        if before == after:
            continue
        rendered = meta_statement(new.meta, option, inner)
        i = _option_index(statements, option)
        if rendered is None:
            if i is not None:
                removed = statements.pop(i)
                if i < len(statements):
                    statements[i] = carry(statements[i], list(removed.leading_lines))
            continue
        fresh = parse_in_block(rendered.source, 2, module)
        if i is not None:
            current = statements[i]
            assert isinstance(current, cst.SimpleStatementLine)
            statements[i] = fresh.with_changes(
                leading_lines=current.leading_lines,
                trailing_whitespace=current.trailing_whitespace,
            )
            continue
        earlier = [
            j
            for o in options[: options.index(option)]
            if (j := _option_index(statements, o)) is not None
        ]
        where = max(earlier) + 1 if earlier else (1 if docstring(statements[:1]) is not None else 0)
        statements.insert(where, fresh)
    statements = [s for s in statements if not is_pass(s)]
    if not statements:
        if has_comment(meta.body):
            statements = [cst.SimpleStatementLine([cst.Pass()])]
        else:
            del body[at]
            return body, footer
    body[at] = meta.with_changes(body=meta.body.with_changes(body=statements))
    return body, footer


def _known(meta: MetaModel, option: str) -> str | None:
    if option not in META_ORDER:
        return None
    value = meta_value(meta, option)
    return None if value is None else value.source


def _option_index(statements: list[Statement], option: str) -> int | None:
    """Where ``option = …`` is in a Meta body (by name: statements are rebuilt as we edit)."""
    for i, statement in enumerate(statements):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            target = (
                small.targets[0].target
                if isinstance(small, cst.Assign) and len(small.targets) == 1
                else small.target
                if isinstance(small, cst.AnnAssign)
                else None
            )
            if isinstance(target, cst.Name) and target.value == option:
                return i
    return None
