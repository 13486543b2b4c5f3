"""Naming new documents: the controller's ``autoname``, else ``Meta.naming`` (see ``framework_m_core.naming``).

Series numbers come from the NamingCounter port, which keeps them unique under concurrent writers; a
batch reserves each series' numbers with one counter call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from ..controller import Controller
from ..doctype import DocType
from ..errors import FieldError, ValidationError
from ..meta import DocTypeMeta
from ..naming import SeriesName, parse_naming, plan_series
from ..types import Record
from .hooks import run
from .wiring import Wiring

Staged = tuple[Any, Controller[Any], Mapping[UUID, Record]]
"""A new document not yet named: the document, its controller, and the records its links point at."""


class Naming:
    """Names documents with the Kernel's clock (dated series) and naming counter."""

    def __init__(self, kernel: Wiring) -> None:
        self._kernel = kernel

    async def name(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        controller: Controller[Any],
        links: Mapping[UUID, Record],
    ) -> str:
        """The name of one new document, drawing a series number when the rule has one."""
        planned = await self.plan(meta, doc, controller, links)
        if isinstance(planned, SeriesName):
            return planned.format(await self._kernel.naming_counter.next(planned.key))
        return planned

    async def name_all(self, meta: DocTypeMeta, staged: Sequence[Staged]) -> None:
        """Name many new documents, reserving each series' numbers with one counter call."""
        by_key: dict[str, list[tuple[DocType, SeriesName]]] = {}
        for doc, controller, links in staged:
            plan = await self.plan(meta, doc, controller, links)
            if isinstance(plan, SeriesName):
                by_key.setdefault(plan.key, []).append((doc, plan))
            else:
                doc.name = plan
        for key, group in by_key.items():
            first = await self._kernel.naming_counter.next(key, len(group)) - len(group) + 1
            for offset, (doc, plan) in enumerate(group):
                doc.name = plan.format(first + offset)

    async def plan(
        self,
        meta: DocTypeMeta,
        doc: DocType,
        controller: Controller[Any],
        links: Mapping[UUID, Record],
    ) -> str | SeriesName:
        """The name, or for series rules everything but the number (drawn from the counter later).

        A rule whose source (the prompt, the naming field, a series part) is empty raises
        ValidationError naming the field."""
        custom = await run(controller.autoname())
        if custom is not None:
            return str(custom)
        if meta.options.is_single:
            return meta.name
        rule = parse_naming(meta.options.naming)
        if rule.kind == "uuid":
            return str(doc.id)
        if rule.kind == "prompt":
            if not doc.name:
                raise ValidationError(
                    f"{meta.name} needs a name",
                    [FieldError(["name"], "required", "missing")],
                )
            return doc.name
        if rule.kind == "field":
            value = getattr(doc, rule.field or "")
            if value is None or str(value).strip() == "":
                raise ValidationError(
                    f"{meta.name} is named by {rule.field!r}, which is empty",
                    [FieldError([str(rule.field)], "required for naming", "missing")],
                )
            return str(value).strip()

        async def value_of(fieldname: str) -> str:
            value = getattr(doc, fieldname)
            if value is None:
                raise ValidationError(
                    f"{meta.name} is named from {fieldname!r}, which is empty",
                    [FieldError([fieldname], "required for naming", "missing")],
                )
            if fieldname in meta.links:
                return str(links[value].get("name"))
            return str(getattr(value, "value", value))

        return await plan_series(rule, now=self._kernel.clock.now(), value_of=value_of)
