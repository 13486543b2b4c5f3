"""The ``identity`` system app: users, roles, passwords, API keys and sessions, stored as DocTypes.

Every project gets it (``App.system``), whichever apps it configures; the web layer's authentication
strategies and the ``m user`` / ``m apikey`` commands use it through ``IdentityService``.
"""

from __future__ import annotations

from framework_m_core import App

from .config import AuthConfig, auth_config, signing_key, token_signer
from .controllers import UserController
from .doctypes import ApiKey, AuthSession, Role, User, UserPassword, UserRole
from .service import IdentityService, IssuedKey, TokenPair, api_key_json, context_of
from .tokens import InvalidToken, TokenSigner

app = App(
    name="identity",
    doctypes=[Role, User, UserPassword, ApiKey, AuthSession],
    controllers={"User": UserController},
    system=True,
)

__all__ = [
    "ApiKey",
    "AuthConfig",
    "AuthSession",
    "IdentityService",
    "InvalidToken",
    "IssuedKey",
    "Role",
    "TokenPair",
    "TokenSigner",
    "User",
    "UserPassword",
    "UserRole",
    "api_key_json",
    "app",
    "auth_config",
    "context_of",
    "signing_key",
    "token_signer",
]
