"""The two bases of the web layer's Litestar controllers (not to be confused with a DocType's
``Controller`` of lifecycle hooks).

``DeclaredOrderController`` registers its routes in the order the class declares them: that order is
the order of paths in ``/schema``, and so of every client generated from it. ``DocTypeController``
holds routes written once for every DocType; ``for_doctype`` makes the subclass that serves one.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, TypeAlias

from litestar import Controller
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler

from framework_m_core import DocTypeMeta

API_PREFIX = "/api/v1"

Document: TypeAlias = Any
"""A document as JSON, in a ``DocTypeController``'s annotations. Handlers take and give plain JSON
(the Kernel validates, ADR 0003), but the controller serving a DocType binds ``Document`` to that
DocType's model in its signature namespace, so OpenAPI shows the DocType's schema for bodies and
responses annotated ``Document``."""


class DeclaredOrderController(Controller):
    """A Controller whose routes are registered in the order its class declares the handlers.

    Litestar registers a controller's handlers sorted by name; registration order is the order of the
    paths in ``/schema``. Keeping the declared order keeps the document in the order a reader expects
    (``/Order``, ``/Order/bulk``, ``/Order/{key}``…) and stable when a handler is renamed.
    """

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        declared = [
            value.handler_name
            for cls in reversed(type(self).__mro__)
            for value in vars(cls).values()
            if isinstance(value, BaseRouteHandler)
        ]
        position: dict[str, int] = {}
        for name in declared:  # an overridden handler keeps the place its base class gave it
            position.setdefault(name, len(position))
        return sorted(super().get_route_handlers(), key=lambda h: position[h.handler_name])


class DocTypeController(DeclaredOrderController):
    """Routes written once for every DocType and served once per ``api_resource`` DocType.

    ``for_doctype(meta)`` makes the subclass serving ``meta`` under ``/api/v1/<DocType>``; the base
    classes are never registered themselves. In a subclass's routes, ``{doctype}`` in the class's
    ``tags`` and in each handler's ``operation_id`` and ``summary`` becomes the DocType's name (operation
    ids are unique in the whole document), ``Document`` in annotations is the DocType's model (see
    ``signature_namespace_for``), and ``self.meta`` is the DocType's metadata.
    """

    meta: ClassVar[DocTypeMeta]
    tags = ["{doctype}"]

    @classmethod
    def for_doctype(cls, meta: DocTypeMeta) -> type[Self]:
        """The subclass of this controller that serves ``meta``."""
        subclass: type[Self] = type(
            f"{cls.__name__}[{meta.name}]",
            (cls,),
            {
                "__module__": cls.__module__,
                "meta": meta,
                "path": f"{API_PREFIX}/{meta.name}",
                "tags": [tag.format(doctype=meta.name) for tag in cls.tags or ()],
                "signature_namespace": cls.signature_namespace_for(meta),
            },
        )
        return subclass

    @classmethod
    def signature_namespace_for(cls, meta: DocTypeMeta) -> dict[str, Any]:
        """The names this controller's annotations resolve to for ``meta``: ``Document`` is its model.
        Subclasses add names of their own (the PATCH body of the document routes)."""
        return {"Document": meta.model}

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        handlers = super().get_route_handlers()
        for handler in handlers:
            if isinstance(handler, HTTPRouteHandler):
                if isinstance(handler.operation_id, str):
                    handler.operation_id = handler.operation_id.format(doctype=self.meta.name)
                if handler.summary:
                    handler.summary = handler.summary.format(doctype=self.meta.name)
        return handlers
