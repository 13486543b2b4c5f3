"""The DocTypes of the ``identity`` system app: who may sign in, with which roles and credentials.

Secrets live in DocTypes of their own that are no API resource and grant no role anything, so a
password hash or key digest can never appear in a User's JSON, a list or the metadata endpoint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from framework_m_core import ChildDocType, DocType, Label

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"


class Role(DocType):
    """A named set of permissions; DocTypes grant actions to roles in ``Meta.permissions``."""

    role_name: Annotated[str, Label("Role")] = Field(min_length=1, max_length=140)
    description: str | None = None

    class Meta:
        api_resource = True
        naming = "field:role_name"
        title_field = "role_name"
        description = "Roles named by DocType permissions; users hold roles."


class UserRole(ChildDocType):
    role: str = Field(min_length=1, max_length=140)


class User(DocType):
    """A person or service account. The document name is the lower-cased email, which is also the
    user id recorded as ``owner`` on the documents they create."""

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    full_name: Annotated[str, Label("Full name")] = Field(default="", max_length=140)
    enabled: bool = True
    roles: list[UserRole] = []

    class Meta:
        api_resource = True
        naming = "field:email"
        title_field = "full_name"
        search_fields = ("email", "full_name")
        description = "People and service accounts that can sign in."

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()

    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    @property
    def user_id(self) -> str:
        """What documents record as ``owner`` and credentials point at (the name, once named)."""
        return self.name or self.email


class UserPassword(DocType):
    """The argon2 hash of a user's password, named after the user."""

    user: str
    password_hash: str

    class Meta:
        naming = "field:user"


class ApiKey(DocType):
    """A key id and the SHA-256 digest of its secret (a random 256-bit value, so a slow hash would
    add nothing but latency to every request)."""

    key: str = Field(min_length=8, max_length=64)
    user: str
    label: str = Field(default="", max_length=140)
    secret_digest: str
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    class Meta:
        naming = "field:key"
        indexes = (("user",),)


class AuthSession(DocType):
    """A refresh token or browser session, stored as the SHA-256 digest of its random token."""

    user: str
    kind: Literal["refresh", "cookie"]
    token_digest: str
    expires_at: datetime
    revoked: bool = False
    address: str | None = None
    user_agent: str | None = Field(default=None, max_length=512)

    class Meta:
        naming = "field:token_digest"
        indexes = (("user",),)
