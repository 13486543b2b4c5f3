"""Reviewing what autogenerate found, before a revision file is written.

A plausible rename (see ``renames.py``) is settled by an explicit ``--rename`` hint, by a yes/no
question, or by ``--yes``. Whatever is still dropped afterwards (a column, a whole table) is asked about
too, because its data is lost. Without a terminal and without ``--yes`` nothing is guessed: the review
stops and says which answers it needs, so a script can never drop data by accident.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import ops

from framework_m_core.errors import ConfigurationError

from ...config import RECORDED_RENAMES
from .constraints import check_options, column_checks, drop_check, reflected_checks
from .renames import RenameColumnOp, candidates


def recorded_renames(directory: Path) -> list[RenameHint]:
    """The renames recorded in ``directory/renames.toml`` (none when there is no such file)."""
    path = directory / RECORDED_RENAMES
    if not path.is_file():
        return []
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("rename", [])
        return [RenameHint.parse(f"{e['doctype']}.{e['old']}={e['new']}") for e in entries]
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ConfigurationError) as exc:
        raise ConfigurationError(f"{path}: not a valid renames file ({exc})") from None


Ask = Callable[[str, bool], bool]
"""Put a yes/no question (with its default) to the developer and return the answer."""

_HINT = re.compile(r"^(?P<doctype>[A-Za-z_][\w ]*)\.(?P<old>[A-Za-z_]\w*)=(?P<new>[A-Za-z_]\w*)$")


@dataclass(frozen=True)
class RenameHint:
    """``DocType.old=new``: a field the developer (or Studio) knows was renamed."""

    doctype: str
    old: str
    new: str

    @classmethod
    def parse(cls, text: str) -> RenameHint:
        """Raises ``ConfigurationError`` for anything not shaped ``DocType.old_field=new_field``."""
        match = _HINT.match(text.strip())
        if match is None:
            raise ConfigurationError(
                f"--rename {text!r}: expected DocType.old_field=new_field, e.g. Customer.phone=mobile"
            )
        return cls(match["doctype"], match["old"], match["new"])

    def __str__(self) -> str:
        return f"{self.doctype}.{self.old}={self.new}"


@dataclass
class Review:
    """How questions are settled: ``hints`` first, then ``assume_yes``, then ``ask`` (``None`` when no
    terminal is attached). ``doctypes`` maps each DocType to its tables (``project.doctype_tables``)."""

    doctypes: dict[str, list[str]]
    hints: Sequence[RenameHint] = ()
    recorded: Sequence[RenameHint] = ()
    """Renames a tool (Studio) recorded: applied like ``hints``, but one that matches nothing (the
    field was renamed before its column ever existed, its DocType is gone) is simply dropped."""
    assume_yes: bool = False
    ask: Ask | None = None
    _unanswered: list[str] = field(default_factory=list, init=False, repr=False)
    _used_hints: set[RenameHint] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        for hint in self.hints:
            if hint.doctype not in self.doctypes:
                raise ConfigurationError(f"--rename {hint}: there is no DocType {hint.doctype!r}")
        given = set(self.hints)
        extra = [h for h in self.recorded if h.doctype in self.doctypes and h not in given]
        self.recorded = extra
        self.hints = [*self.hints, *extra]

    def _decide(self, question: str, default: bool) -> bool:
        if self.assume_yes:
            return True
        if self.ask is None:
            self._unanswered.append(question)
            return False
        return self.ask(question, default)

    def _doctype_of(self, table: str) -> str:
        return next((name for name, tables in self.doctypes.items() if table in tables), table)

    def apply(self, context: MigrationContext, script: ops.MigrationScript) -> bool:
        """Rewrite ``script``'s operations in place; False when nothing is left to write.

        Raises ``ConfigurationError`` when a question could not be asked, or a hint matched nothing."""
        upgrade = script.upgrade_ops
        if upgrade is None:
            return False
        dropped = sorted(o.table_name for o in upgrade.ops if isinstance(o, ops.DropTableOp))
        kept_tables = {
            name
            for name in dropped
            if not self._decide(f"drop table {name} and every row in it?", False)
        }
        kept: list[ops.MigrateOperation] = []
        for op in upgrade.ops:
            if (
                isinstance(op, ops.DropTableOp | ops.ModifyTableOps)
                and op.table_name in kept_tables
            ):
                continue  # a kept table keeps its indexes too (their drops precede the table's)
            if isinstance(op, ops.ModifyTableOps):
                kept.extend(self._table(context, op))
            else:
                kept.append(op)
        unused = [
            str(h) for h in self.hints if h not in self._used_hints and h not in self.recorded
        ]
        if unused:
            raise ConfigurationError(
                f"--rename {', '.join(unused)}: no such change — the old column must disappear and "
                "the new field appear in this revision"
            )
        if self._unanswered:
            raise ConfigurationError(
                "this revision needs answers and there is no terminal to ask: "
                + "; ".join(self._unanswered)
                + " — run it in a terminal, or pass --rename DocType.old=new for renames and "
                "--yes to accept every proposal"
            )
        drops = [op for op in kept if isinstance(op, ops.DropTableOp)]
        others = [op for op in kept if not isinstance(op, ops.DropTableOp)]
        upgrade.ops = [*others, *_drop_order(drops)]
        return not upgrade.is_empty()

    def _table(
        self, context: MigrationContext, table_ops: ops.ModifyTableOps
    ) -> list[ops.MigrateOperation]:
        table = table_ops.table_name
        drops = [op for op in table_ops.ops if isinstance(op, ops.DropColumnOp)]
        adds = [op for op in table_ops.ops if isinstance(op, ops.AddColumnOp)]
        pairs = self._pair(context, table, drops, adds)
        paired = {id(d) for d, _ in pairs} | {id(a) for _, a in pairs}
        declined = {
            id(op)
            for op in sorted(drops, key=lambda d: d.column_name)
            if id(op) not in paired
            and not self._decide(f"drop column {table}.{op.column_name} and the data in it?", False)
        }
        rest = [op for op in table_ops.ops if id(op) not in paired | declined]
        if not pairs:
            return [ops.ModifyTableOps(table, rest)] if rest else []
        # Indexes and constraints on the old name go before the rename, new ones after it, so the
        # reversed (downgrade) order is valid as well.
        before = [op for op in rest if isinstance(op, ops.DropIndexOp | ops.DropConstraintOp)]
        after = [op for op in rest if op not in before]
        renames: list[ops.MigrateOperation] = []
        checks = reflected_checks(context.connection, table)
        for drop, add in pairs:
            old, new = drop.to_column(), add.column
            renames.append(
                RenameColumnOp(
                    table,
                    old.name,
                    modify_name=new.name,
                    existing_type=old.type,
                    existing_nullable=old.nullable,
                )
            )
            old_checks = checks.get(old.name, [])
            new_checks = column_checks(new)
            if {check_options(sql) for _, sql in old_checks} != {
                check_options(str(c.sqltext)) for c in new_checks
            }:  # a Select field renamed with new options: its CHECK follows the new ones
                before.extend(drop_check(table, old.name, *check) for check in old_checks)
                after.extend(
                    ops.CreateCheckConstraintOp(c.name, table, c.sqltext) for c in new_checks
                )
            changed_type = context.impl.compare_type(old, new)
            if changed_type or old.nullable != new.nullable:
                after.append(
                    ops.AlterColumnOp(
                        table,
                        new.name,
                        existing_type=old.type,
                        existing_nullable=old.nullable,
                        modify_type=new.type if changed_type else None,
                        modify_nullable=new.nullable if old.nullable != new.nullable else None,
                    )
                )
        return [
            *([ops.ModifyTableOps(table, before)] if before else []),
            *renames,
            *([ops.ModifyTableOps(table, after)] if after else []),
        ]

    def _pair(
        self,
        context: MigrationContext,
        table: str,
        drops: list[ops.DropColumnOp],
        adds: list[ops.AddColumnOp],
    ) -> list[tuple[ops.DropColumnOp, ops.AddColumnOp]]:
        pairs: list[tuple[ops.DropColumnOp, ops.AddColumnOp]] = []
        free_drops, free_adds = list(drops), list(adds)
        for hint in self.hints:
            if table not in self.doctypes[hint.doctype]:
                continue
            drop = next((d for d in free_drops if d.column_name == hint.old), None)
            add = next((a for a in free_adds if a.column.name == hint.new), None)
            if drop is not None and add is not None:
                pairs.append((drop, add))
                free_drops.remove(drop)
                free_adds.remove(add)
                self._used_hints.add(hint)
        doctype = self._doctype_of(table)
        for drop, add in candidates(context, table, free_drops, free_adds):
            if drop not in free_drops or add not in free_adds:
                continue
            question = (
                f"was {doctype}.{drop.column_name} renamed to {add.column.name}? "
                f"(yes keeps its data: --rename {doctype}.{drop.column_name}={add.column.name})"
            )
            if self._decide(question, True):
                pairs.append((drop, add))
                free_drops.remove(drop)
                free_adds.remove(add)
        return pairs


def _drop_order(drops: list[ops.DropTableOp]) -> list[ops.DropTableOp]:
    """Tables to drop, last of all and referencing tables first (PostgreSQL refuses to drop a table
    another one still points at); the downgrade, reversed, then creates them parents first."""
    references = {
        op.table_name: {fk.target_fullname.split(".")[-2] for fk in op.to_table().foreign_keys}
        for op in drops
    }
    ordered: list[ops.DropTableOp] = []
    pending = sorted(drops, key=lambda op: op.table_name)
    while pending:
        still = {op.table_name for op in pending}
        free = [
            op
            for op in pending
            if not any(op.table_name in references[other] for other in still - {op.table_name})
        ]
        ordered.extend(free or pending)  # a reference cycle: keep the name order
        pending = [op for op in pending if op not in (free or pending)]
    return ordered


def summarize(upgrade: ops.UpgradeOps) -> list[str]:
    """One line per change of a revision, in words, for the command's report."""
    lines: list[str] = []
    for op in upgrade.ops:
        inner = op.ops if isinstance(op, ops.ModifyTableOps) else [op]
        for change in inner:
            lines.append(_words(change))
    return lines


def _words(op: ops.MigrateOperation) -> str:
    if isinstance(op, RenameColumnOp):
        return f"rename column {op.table_name}.{op.column_name} → {op.modify_name}"
    if isinstance(op, ops.CreateTableOp | ops.DropTableOp):
        verb = "create" if isinstance(op, ops.CreateTableOp) else "drop"
        return f"{verb} table {op.table_name}"
    if isinstance(op, ops.AddColumnOp):
        return f"add column {op.table_name}.{op.column.name}"
    if isinstance(op, ops.DropColumnOp):
        return f"drop column {op.table_name}.{op.column_name}"
    if isinstance(op, ops.AlterColumnOp):
        return f"alter column {op.table_name}.{op.column_name}"
    if isinstance(op, ops.CreateIndexOp | ops.DropIndexOp):
        verb = "create" if isinstance(op, ops.CreateIndexOp) else "drop"
        return f"{verb} index {op.index_name}"
    if isinstance(op, ops.AddConstraintOp | ops.DropConstraintOp):
        verb = "add" if isinstance(op, ops.AddConstraintOp) else "drop"
        return f"{verb} constraint {getattr(op, 'constraint_name', None) or ''}".rstrip()
    return type(op).__name__
