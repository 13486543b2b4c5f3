"""Password hashing with argon2id (argon2-cffi's recommended parameters).

argon2 (with cffi and its compiled library) is loaded on the first hash or check: a server that no
one has signed in to yet, and most ``m`` commands, never need it."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from framework_m_core import ValidationError
from framework_m_core.errors import FieldError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MAX_PASSWORD_LENGTH = 1024


@functools.cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _decoy() -> str:
    """Verified against when the account does not exist, so a miss costs as much as a wrong
    password and response times do not reveal which emails have accounts. Made on first use: a
    hash takes a quarter of a second, which every import (every ``m`` command) would otherwise pay."""
    return _hasher().hash("decoy password that matches nothing")


def check_policy(password: str, *, min_length: int) -> None:
    if not isinstance(password, str) or not min_length <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"a password needs {min_length} to {MAX_PASSWORD_LENGTH} characters",
            [FieldError(["body", "password"], f"at least {min_length} characters")],
        )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored_hash or _decoy(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
