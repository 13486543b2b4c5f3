"""Every route the app serves, in the order ``/schema`` lists them.

Fixed routes first (probes, metadata, RPC, auth, sharing), then each ``api_resource`` DocType's
controllers: its documents, who they are shared with and, when submittable, their lifecycle.
"""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from framework_m_core.registry import MetaRegistry

from .auth_routes import AUTH_ROUTES
from .documents import DocumentsController
from .lifecycle import LifecycleController
from .meta import MetaController
from .rpc import RPCController
from .shares import DocumentSharesController, SharingController
from .system import SystemController


def api_routes(registry: MetaRegistry) -> list[ControllerRouterHandler]:
    """The route handlers and controllers of the app serving ``registry``'s DocTypes."""
    routes: list[ControllerRouterHandler] = [
        SystemController,
        MetaController,
        RPCController,
        *AUTH_ROUTES,
        SharingController,
    ]
    for meta in registry.metas():
        if meta.options.api_resource:
            routes.append(DocumentsController.for_doctype(meta))
            routes.append(DocumentSharesController.for_doctype(meta))
            if meta.options.is_submittable:
                routes.append(LifecycleController.for_doctype(meta))
    return routes
