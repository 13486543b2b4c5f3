"""``Controller(..., previous=loader)``: the stored document reaches a controller through its constructor
and is built only when a hook first asks for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from framework_m_core import (
    App,
    CallerContext,
    Controller,
    DocType,
    Kernel,
    SystemContext,
    ValidationError,
    in_memory_kernel,
)


class Card(DocType):
    title: str = ""


class CardController(Controller[Card]):
    """Reads ``previous`` only when the new title asks it to, and counts how often it is built (a
    subclass that overrides ``__init__`` hands ``previous`` on)."""

    built: ClassVar[list[str]] = []

    def __init__(
        self,
        doc: Card,
        ctx: CallerContext,
        kernel: Kernel,
        *,
        previous: Callable[[], Card] | None = None,
    ) -> None:
        def counted() -> Card:
            assert previous is not None
            CardController.built.append(doc.title)
            return previous()

        super().__init__(doc, ctx, kernel, previous=None if previous is None else counted)

    def validate(self) -> None:
        if self.doc.title == "peek":
            assert self.previous is not None
            assert self.previous.title == "second"


CTX = SystemContext("test")


@pytest.fixture
async def kernel() -> Kernel:
    return await in_memory_kernel(
        [App(name="cards", doctypes=[Card], controllers={"Card": CardController})]
    )


@pytest.mark.anyio
async def test_without_previous_there_is_none(kernel: Kernel) -> None:
    controller = Controller(Card(title="new"), CTX, kernel)
    assert controller.previous is None


@pytest.mark.anyio
async def test_previous_is_built_on_first_use_and_only_once(kernel: Kernel) -> None:
    calls: list[int] = []
    stored = Card(title="stored")

    def load() -> Card:
        calls.append(1)
        return stored

    controller = Controller(Card(title="new"), CTX, kernel, previous=load)
    assert calls == []
    assert controller.previous is stored
    assert controller.previous is stored
    assert calls == [1]


@pytest.mark.anyio
async def test_the_kernel_hands_the_stored_record_over_lazily(kernel: Kernel) -> None:
    card = await kernel.create(CTX, Card, {"title": "first"})
    meta = kernel.meta(Card)
    broken: dict[str, Any] = {"id": card.id, "title": ["not", "a", "string"]}
    # A stored record that cannot even be rebuilt: nothing fails until a hook reads ``previous``.
    controller = kernel.controller(meta, card, CTX, broken)
    assert isinstance(controller, CardController)
    with pytest.raises(ValidationError):
        _ = controller.previous
    good = kernel.controller(meta, card, CTX, {**card.model_dump(), "title": "before"})
    assert good.previous is not None
    assert good.previous.title == "before"
    assert kernel.controller(meta, card, CTX).previous is None


@pytest.mark.anyio
async def test_writes_build_previous_only_for_hooks_that_read_it(kernel: Kernel) -> None:
    CardController.built.clear()
    card = await kernel.create(CTX, Card, {"title": "first"})
    await kernel.update(CTX, Card, card.id, {"title": "second"})
    await kernel.update(CTX, Card, card.id, {"title": "peek"})
    await kernel.delete(CTX, Card, card.id)
    assert CardController.built == ["peek"]
