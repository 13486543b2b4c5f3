"""Framework M core: DocTypes, the Kernel, ports and their in-memory implementations.

Depends on pydantic only; adapters and interfaces live in other packages.
"""

from ._kernel.kernel import Kernel, Page
from .app import App, DocTypeExtension
from .builtin import DocShare
from .context import ADMIN_ROLE, CallerContext, SystemContext
from .controller import Controller, rpc, whitelist
from .doctype import ChildDocType, DocStatus, DocType, FetchFrom, Label, Link
from .errors import (
    AdapterError,
    ConfigurationError,
    Conflict,
    DocumentSubmitted,
    DuplicateName,
    FieldError,
    FrameworkError,
    InvalidTransition,
    LinkValidation,
    MissingDependencyError,
    NotFound,
    PermissionDenied,
    QueryError,
    RateLimited,
    Unauthenticated,
    ValidationError,
    VersionConflict,
)
from .events import DomainEvent
from .meta import DocTypeMeta, FieldSpec, MetaOptions, PermissionRule
from .permissions import RolePermissionPolicy
from .query import And, Condition, Or, OrderBy, Query, build_query, parse_filters
from .registry import MetaRegistry
from .testing_support import in_memory_kernel

__version__ = "0.1.0"

__all__ = [
    "ADMIN_ROLE",
    "AdapterError",
    "And",
    "App",
    "CallerContext",
    "ChildDocType",
    "Condition",
    "ConfigurationError",
    "Conflict",
    "Controller",
    "DocShare",
    "DocStatus",
    "DocType",
    "DocTypeExtension",
    "DocTypeMeta",
    "DocumentSubmitted",
    "DomainEvent",
    "DuplicateName",
    "FetchFrom",
    "FieldError",
    "FieldSpec",
    "FrameworkError",
    "InvalidTransition",
    "Kernel",
    "Label",
    "Link",
    "LinkValidation",
    "MetaOptions",
    "MetaRegistry",
    "MissingDependencyError",
    "NotFound",
    "Or",
    "OrderBy",
    "Page",
    "PermissionDenied",
    "PermissionRule",
    "Query",
    "QueryError",
    "RateLimited",
    "RolePermissionPolicy",
    "SystemContext",
    "Unauthenticated",
    "ValidationError",
    "VersionConflict",
    "__version__",
    "build_query",
    "in_memory_kernel",
    "parse_filters",
    "rpc",
    "whitelist",
]
