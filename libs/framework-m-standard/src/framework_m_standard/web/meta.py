"""``GET /api/meta/{doctype}``: what a client needs to draw a DocType's list and form.

The JSON Schema, each field's kind, link and child table, the layout, the options, and the actions the
caller may take; a caller with no access at all gets 403 rather than an empty description.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from framework_m_core import PermissionDenied

from .context import caller, kernel
from .responses import ERROR_RESPONSES
from .routing import DeclaredOrderController


class MetaController(DeclaredOrderController):
    """Metadata of the registered DocTypes, as the caller may see them."""

    path = "/api/meta"
    tags = ["metadata"]

    @get(
        "/{doctype:str}",
        operation_id="get_meta",
        responses=ERROR_RESPONSES,
        summary="A DocType's JSON Schema, field kinds, layout and the caller's permitted actions",
    )
    async def doctype_meta(self, request: Request[Any, Any, Any], doctype: str) -> dict[str, Any]:
        k, ctx = kernel(request), caller(request)
        meta = k.meta(doctype)
        actions = k.permitted_actions(ctx, doctype)
        if not actions:
            raise PermissionDenied(
                f"{ctx.user} has no access to {doctype}", details={"doctype": doctype}
            )
        fields = [
            {
                "name": spec.name,
                "kind": spec.kind,
                "label": spec.label,
                "description": spec.description,
                "required": spec.required,
                "nullable": spec.nullable,
                "standard": spec.standard,
                "options": list(spec.options) or None,
                "link": spec.link_doctype,
                "child": meta.children[spec.name].name if spec.name in meta.children else None,
                "fetch_from": spec.fetch_from.source if spec.fetch_from else None,
            }
            for spec in meta.fields.values()
        ]
        opts = meta.options
        return {
            "name": meta.name,
            "app": meta.app,
            "label": opts.label or meta.name,
            "description": opts.description,
            "schema": meta.model.model_json_schema(mode="serialization"),
            "fields": fields,
            "computed": list(meta.computed),
            "permitted_actions": sorted(actions),
            "options": {
                "naming": opts.naming,
                "is_submittable": opts.is_submittable,
                "is_single": opts.is_single,
                "title_field": opts.title_field,
                "search_fields": list(opts.search_fields),
                "track_changes": opts.track_changes,
            },
            "layout": [f["name"] for f in fields if not f["standard"]],
        }
