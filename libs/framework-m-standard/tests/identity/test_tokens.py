"""Access tokens: verified once per token, but expiry is checked on every use."""

from __future__ import annotations

import pytest

from framework_m_standard.identity import tokens
from framework_m_standard.identity.tokens import InvalidToken, TokenSigner

KEY = "k" * 64


def signer() -> TokenSigner:
    return TokenSigner(KEY, issuer="fm", audience="api", ttl=60)


def test_a_verified_token_is_remembered_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    s = signer()
    token, _ = s.issue("ann", frozenset({"Writer"}), "session-1")
    first = s.verify(token)
    assert (first.user, first.roles, first.session) == ("ann", frozenset({"Writer"}), "session-1")
    assert s.verify(token) is first  # no second decode
    now = tokens.time.time()
    monkeypatch.setattr(tokens.time, "time", lambda: now + 3600)
    with pytest.raises(InvalidToken, match="expired"):
        s.verify(token)


def test_remembering_does_not_weaken_the_checks() -> None:
    s = signer()
    token, _ = s.issue("ann", frozenset(), "session-1")
    s.verify(token)
    other = TokenSigner("x" * 64, issuer="fm", audience="api", ttl=60)
    with pytest.raises(InvalidToken):
        other.verify(token)  # another key: its own cache knows nothing
    head, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        s.verify(f"{head}.{payload}.{signature[:-2]}AA")


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_CACHE_SIZE", 3)
    s = signer()
    issued = [s.issue(f"u{i}", frozenset(), "s")[0] for i in range(5)]
    for token in issued:
        s.verify(token)
    assert len(s._verified) == 3


def test_an_api_key_never_starts_like_a_command_line_option() -> None:
    # `m apikey revoke <key:secret>` reads a leading "-" as an option: ids are hex.
    ids = {tokens.new_key_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(key) == 20 and not key.startswith("-") and int(key, 16) >= 0 for key in ids)
