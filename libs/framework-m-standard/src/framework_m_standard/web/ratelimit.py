"""Failed-login limits per account and per client address (a sliding window, in this process).

Each server process keeps its own counts, so with N workers an attacker gets at most N times the
configured attempts; that still turns password guessing from millions of tries into a handful.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from itertools import islice

from framework_m_core import RateLimited

MAX_TRACKED = 100_000


class LoginLimiter:
    def __init__(
        self,
        *,
        per_account: int,
        per_address: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"account": per_account, "address": per_address}
        self.window, self.clock = window, clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        found = self._failures.get(key)
        if found is None:
            return deque()
        horizon = self.clock() - self.window
        while found and found[0] <= horizon:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def check(self, account: str, address: str) -> None:
        """Raise RateLimited while either key has used up its failures in the window; otherwise
        count this attempt as a failure at once (``succeeded`` takes it back), so parallel requests
        cannot all pass the check before the first one fails."""
        keys = (("account", _account(account)), ("address", address))
        for kind, value in keys:
            recent = self._recent(f"{kind}:{value}")
            if len(recent) >= self.limits[kind]:
                retry = max(1, math.ceil(recent[0] + self.window - self.clock()))
                raise RateLimited(
                    f"too many failed sign-ins for this {kind}; try again in {retry} s",
                    retry_after=retry,
                )
        self._record(f"account:{_account(account)}", f"address:{address}")

    def _record(self, *keys: str) -> None:
        if len(self._failures) >= MAX_TRACKED:
            self._forget()
        now = self.clock()
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    def _forget(self) -> None:
        """Bounded memory under a flood of distinct keys: drop expired counts, and only if that is
        not enough the oldest tenth."""
        for key in list(self._failures):
            self._recent(key)
        if len(self._failures) >= MAX_TRACKED:
            for key in list(islice(self._failures, MAX_TRACKED // 10)):
                del self._failures[key]

    def succeeded(self, account: str, address: str) -> None:
        """A correct password: the account starts afresh and this attempt is not held against the
        address."""
        self._failures.pop(f"account:{_account(account)}", None)
        recent = self._failures.get(f"address:{address}")
        if recent:
            recent.pop()


def _account(value: str) -> str:
    """The account key as the identity service looks it up (so case or spaces make no new key)."""
    return value.strip().lower()
