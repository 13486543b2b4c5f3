"""Edit a DocType in place with libcst: only the statements that change are rewritten.

Fields are matched by ``previous_name`` (or, when a client leaves it out, by unchanged name). A kept
field whose schema is unchanged is not touched at all; a changed one is re-rendered with the comments
above and beside it, and with the developer's own ``Field`` keywords and ``Annotated`` metadata. A
removed field's comments move to the next statement. Everything Studio does not model — methods,
validators, other classes, comments, blank lines — stays byte for byte. The ``Meta`` class is edited
by ``edit_meta`` the same way, option by option.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from framework_m_core.errors import NotFound, ValidationError

from .edit_meta import edit_meta
from .generate import docstring_source
from .imports import ensure_imports, prune_imports
from .model import DocTypeModel, FieldModel
from .parse import read_doctype
from .parse_field import FieldNode, field_nodes, type_info, value_info
from .render import Catalog, Import, field_statement, meta_block
from .statements import (
    Statement,
    blank_prefix,
    block_indent,
    carry,
    is_pass,
    parse_in_block,
    statements_of,
    with_leading,
)
from .syntax import docstring, has_comment


@dataclass
class EditResult:
    """The new source and the fields renamed by the edit (``old``, ``new``)."""

    source: str
    renames: list[tuple[str, str]] = field(default_factory=list)


def find_class(module: cst.Module, name: str) -> cst.ClassDef:
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return statement
    raise NotFound(f"there is no class {name} in this module")


def _has_inner_comment(node: FieldNode) -> bool:
    return has_comment(node.ann)


def _claims(old: DocTypeModel, new: DocTypeModel) -> dict[str, str | None]:
    """New field name → the old field it continues (``None`` for a new field)."""
    old_names = {f.name for f in old.fields}
    explicit = [f.previous_name for f in new.fields if f.previous_name is not None]
    for name in explicit:
        if name not in old_names:
            raise ValidationError(
                f"field {name!r} does not exist any more (was it renamed on disk?)"
            )
    if len(set(explicit)) != len(explicit):
        raise ValidationError("two fields claim to continue the same field")
    claims: dict[str, str | None] = {}
    for f in new.fields:
        if f.previous_name is not None:
            claims[f.name] = f.previous_name
        elif f.name in old_names and f.name not in explicit:
            claims[f.name] = f.name
        else:
            claims[f.name] = None
    return claims


def _same(a: FieldModel, b: FieldModel) -> bool:
    return a.model_dump(exclude={"previous_name"}) == b.model_dump(exclude={"previous_name"})


class DocTypeEditor:
    """Applies a new schema of one DocType to the module that declares it."""

    def __init__(self, source: str, catalog: Catalog) -> None:
        try:
            self.module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            raise ValidationError(f"the module does not parse: {exc.message}") from None
        self.catalog = catalog

    def update(self, new: DocTypeModel) -> EditResult:
        cls = find_class(self.module, new.name)
        old = read_doctype(cls, self.catalog)
        claims = _claims(old, new)
        assert isinstance(cls.body, cst.IndentedBlock)
        indent = block_indent(self.module, cls.body, "")
        nodes = {node.target: node for node in field_nodes(cls)}
        old_by_name = {f.name: f for f in old.fields}
        built: dict[str, Statement] = {}
        for f in new.fields:
            previous = claims[f.name]
            if (
                previous is not None
                and _same(f, old_by_name[previous].model_copy(update={"name": f.name}))
                and f.name == previous
            ):
                built[f.name] = nodes[previous].statement
            else:
                built[f.name] = self._field_statement(f, nodes.get(previous or ""), indent)
        body = self._fields(cls.body, new, claims, nodes, built)
        body = edit_meta(self.module, body, old.meta, new, indent)
        body = self._docstring(body, old.docstring, new.docstring, indent)
        cls = cls.with_changes(body=cls.body.with_changes(body=body[0], footer=body[1]))
        module_body = [
            cls if isinstance(s, cst.ClassDef) and s.name.value == new.name else s
            for s in self.module.body
        ]
        module = self.module.with_changes(body=module_body)
        needed = self._imports(new)
        previous_needs = self._imports(old) - needed
        module = ensure_imports(module, needed)
        module = prune_imports(module, previous_needs)
        renames = [
            (claims[f.name] or "", f.name)
            for f in new.fields
            if claims[f.name] not in (None, f.name)
        ]
        return EditResult(module.code, renames)

    def _imports(self, doctype: DocTypeModel) -> set[Import]:
        needed: set[Import] = set()
        for f in doctype.fields:
            needed |= field_statement(f, self.catalog).imports
        if not doctype.is_child:
            block = meta_block(doctype.meta, "")
            if block is not None:
                needed |= block.imports
        return needed

    def _field_statement(self, f: FieldModel, old: FieldNode | None, indent: str) -> Statement:
        metadata: tuple[str, ...] = ()
        keywords: tuple[str, ...] = ()
        if old is not None:
            if _has_inner_comment(old):
                raise ValidationError(
                    f"field {old.target!r} has comments inside its declaration; Studio will not "
                    "rewrite it and lose them — move them above the field and try again"
                )
            info = type_info(old.ann.annotation.annotation, self.catalog)
            metadata = info.extras
            keywords = value_info(old.ann.value, info.type).extras
        rendered = field_statement(
            f, self.catalog, indent=indent, extra_metadata=metadata, extra_keywords=keywords
        )
        statement = parse_in_block(rendered.source, 1, self.module)
        if old is not None:
            statement = statement.with_changes(
                leading_lines=old.statement.leading_lines,
                trailing_whitespace=old.statement.trailing_whitespace,
            )
        return statement

    def _fields(
        self,
        block: cst.IndentedBlock,
        new: DocTypeModel,
        claims: dict[str, str | None],
        nodes: dict[str, FieldNode],
        built: dict[str, Statement],
    ) -> tuple[list[Statement], list[cst.EmptyLine]]:
        retained_old = {old for old in claims.values() if old is not None}
        statement_of = {id(node.statement): name for name, node in nodes.items()}
        kept_order = [f.name for f in new.fields if claims[f.name] is not None]
        result: list[Statement] = []
        positions: dict[str, int] = {}
        carried: list[cst.EmptyLine] = []
        slot = 0
        adding = any(claims[f.name] is None for f in new.fields)
        for statement in statements_of(block.body):
            if adding and is_pass(statement):
                continue
            old_name = statement_of.get(id(statement))
            if old_name is not None and old_name not in retained_old:
                carried.extend(statement.leading_lines)
                continue
            if old_name is not None:
                name = kept_order[slot]
                slot += 1
                placed = built[name]
                if claims[name] != old_name:  # moved here by a reorder: keep the slot's spacing
                    blanks, _ = blank_prefix(statement.leading_lines)
                    _, comments = blank_prefix(placed.leading_lines)
                    placed = with_leading(placed, [*blanks, *comments])
                statement = placed
                positions[name] = len(result)
            if carried:
                statement = carry(statement, carried)
                carried = []
            result.append(statement)
        footer = list(block.footer)
        if carried:
            footer = [*(line for line in carried if line.comment is not None), *footer]
        for index, f in enumerate(new.fields):
            if claims[f.name] is not None:
                continue
            statement = built[f.name]
            before = [positions[g.name] for g in new.fields[:index] if g.name in positions]
            if before:
                at = max(before) + 1
                statement = with_leading(statement, [])
            elif positions:
                at = min(positions.values())
                blanks, rest = blank_prefix(result[at].leading_lines)
                statement = with_leading(statement, blanks)
                result[at] = with_leading(result[at], rest)
            else:
                at = 1 if result and docstring(result[:1]) is not None else 0
                statement = with_leading(statement, [cst.EmptyLine()] if at == 1 else [])
                if at < len(result):
                    following = result[at]
                    blanks, _ = blank_prefix(following.leading_lines)
                    if not blanks:
                        result[at] = with_leading(
                            following, [cst.EmptyLine(), *following.leading_lines]
                        )
            result.insert(at, statement)
            positions = {k: (v + 1 if v >= at else v) for k, v in positions.items()}
            positions[f.name] = at
        if not result:
            result = [cst.SimpleStatementLine([cst.Pass()])]
        return result, footer

    def _docstring(
        self,
        body_and_footer: tuple[list[Statement], list[cst.EmptyLine]],
        old: str | None,
        new: str | None,
        indent: str,
    ) -> tuple[list[Statement], list[cst.EmptyLine]]:
        body, footer = body_and_footer
        if old == new:
            return body, footer
        has = docstring(body[:1]) is not None
        if new is None:
            if has:
                del body[0]
                if body:
                    _, rest = blank_prefix(body[0].leading_lines)
                    body[0] = with_leading(body[0], rest)
            return body, footer
        fresh = parse_in_block(docstring_source(new, indent), 1, self.module)
        if has:
            body[0] = with_leading(fresh, body[0].leading_lines)
            return body, footer
        body.insert(0, fresh)
        if len(body) > 1 and not blank_prefix(body[1].leading_lines)[0]:
            body[1] = with_leading(body[1], [cst.EmptyLine(), *body[1].leading_lines])
        return body, footer


def update_doctype(source: str, new: DocTypeModel, catalog: Catalog) -> EditResult:
    """``source`` with the DocType ``new.name`` changed to ``new``; raises ValidationError or NotFound."""
    return DocTypeEditor(source, catalog).update(new)
