"""Cache: JSON values by key, expiry, prefix clearing, and rejection of values that are not JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import anyio
import pytest

from ...errors import ValidationError
from ...ports import Cache
from ..adapters import requires
from ..plugin import KitEnv

__all__ = [
    "test_cache_clear_by_prefix",
    "test_cache_rejects_values_that_are_not_json",
    "test_cache_set_get_delete",
    "test_cache_ttl_expires",
]


def _cache(kit: KitEnv) -> Cache:
    cache = kit.adapters.cache
    assert cache is not None, "the provider declares a cache but the set has none"
    return cache


@pytest.mark.anyio
@requires("cache")
async def test_cache_set_get_delete(kit: KitEnv) -> None:
    cache = _cache(kit)
    values: dict[str, Any] = {
        "kit:str": "ünïcødé 🚀 漢字",
        "kit:int": 9_007_199_254_740_991,
        "kit:float": 0.1,
        "kit:bool": False,
        "kit:list": [1, "two", None, [3.5], {"four": 4}],
        "kit:dict": {"nested": {"deep": [True, None]}, "ü": "v"},
        "kit:empty": "",
        "kit:zero": 0,
        "kit key with spaces/ü/🚀": {"ok": 1},
    }
    assert await cache.get("kit:str") is None
    for key, value in values.items():
        await cache.set(key, value)
    for key, value in values.items():
        assert await cache.get(key) == value, key
    got: Any = await cache.get("kit:dict")
    got["nested"]["deep"].append("mutated")
    assert await cache.get("kit:dict") == values["kit:dict"]
    await cache.set("kit:str", "replaced")
    assert await cache.get("kit:str") == "replaced"
    assert await cache.delete("kit:str") is True
    assert await cache.delete("kit:str") is False
    assert await cache.get("kit:str") is None
    assert await cache.get("kit:int") == values["kit:int"]


@pytest.mark.anyio
@requires("cache")
async def test_cache_clear_by_prefix(kit: KitEnv) -> None:
    cache = _cache(kit)
    for key in ("user:1", "user:2", "user:10", "users", "session:1", "User:3"):
        await cache.set(key, key)
    assert await cache.clear("user:") == 3
    assert [await cache.get(k) for k in ("user:1", "user:2", "user:10")] == [None, None, None]
    assert [await cache.get(k) for k in ("users", "session:1", "User:3")] == [
        "users",
        "session:1",
        "User:3",
    ]
    assert await cache.clear("nothing:") == 0
    assert await cache.clear() == 3
    assert await cache.get("users") is None


@pytest.mark.anyio
@requires("cache")
async def test_cache_ttl_expires(kit: KitEnv) -> None:
    cache = _cache(kit)
    await cache.set("kit:short", "soon gone", ttl=0.3)
    await cache.set("kit:long", "stays", ttl=60)
    await cache.set("kit:forever", "stays")
    assert await cache.get("kit:short") == "soon gone"
    await anyio.sleep(0.6)
    assert await cache.get("kit:short") is None
    assert await cache.get("kit:long") == "stays"
    assert await cache.get("kit:forever") == "stays"
    await cache.set("kit:short", "back")
    assert await cache.get("kit:short") == "back"


@pytest.mark.anyio
@requires("cache")
async def test_cache_rejects_values_that_are_not_json(kit: KitEnv) -> None:
    cache = _cache(kit)
    for value in (
        object(),
        {1, 2},
        b"bytes",
        dt.date(2024, 1, 1),
        Decimal("1.5"),
        float("nan"),
        {"k": object()},
    ):
        with pytest.raises(ValidationError):
            await cache.set("kit:bad", value)
    assert await cache.get("kit:bad") is None
