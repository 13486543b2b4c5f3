"""``m studio``'s web app: a JSON API under ``/studio/api`` and the built browser UI at ``/``.

Studio writes source files, so it is a local tool: it binds to 127.0.0.1 by default, answers only
requests addressed to a loopback host name (a DNS-rebinding page cannot reach it) and refuses writes
that come from another origin or are not JSON (a plain cross-site form cannot post to it).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from anyio import to_thread
from litestar import Litestar, Request, Response, delete, get, post, put
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Receive, Scope, Send
from pydantic import BaseModel, ConfigDict

from framework_m_standard.web.problems import EXCEPTION_HANDLERS

from .field_types import FieldType
from .model import DocTypeModel
from .views import AppListing, DocTypeView, Preview
from .workspace import Workspace

STATIC = Path(__file__).parent / "static"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY = 2 * 1024 * 1024


class ProjectInfo(BaseModel):
    root: str
    apps: list[AppListing]
    problems: list[str]


class FieldTypes(BaseModel):
    types: list[FieldType]
    problems: list[str]


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    app: str
    doctype: DocTypeModel


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    etag: str
    doctype: DocTypeModel


class PreviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doctype: DocTypeModel
    app: str | None = None
    etag: str | None = None


def _workspace(request: Request[Any, Any, Any]) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


@get("/studio/api/project")
async def project(request: Request[Any, Any, Any]) -> ProjectInfo:
    """The project root, its apps with their DocTypes, and field types that failed to load."""
    ws = _workspace(request)
    apps = await to_thread.run_sync(ws.listing)
    return ProjectInfo(root=str(ws.project.root), apps=apps, problems=ws.problems)


@get("/studio/api/doctypes")
async def list_doctypes(
    request: Request[Any, Any, Any], q: FromQuery[str] = ""
) -> list[AppListing]:
    """DocTypes grouped by app; ``q`` filters by name or module."""
    return await to_thread.run_sync(_workspace(request).listing, q)


@get("/studio/api/doctypes/{name:str}")
async def read_doctype(request: Request[Any, Any, Any], name: FromPath[str]) -> DocTypeView:
    """One DocType: its schema, controller, file, source and etag."""
    return await to_thread.run_sync(_workspace(request).read, name)


@post("/studio/api/doctypes")
async def create_doctype(
    request: Request[Any, Any, Any], data: JSONBody[CreateBody]
) -> DocTypeView:
    """Write a new DocType module into ``app`` (and register it in the app)."""
    return await to_thread.run_sync(_workspace(request).create, data.app, data.doctype)


@put("/studio/api/doctypes/{name:str}")
async def update_doctype(
    request: Request[Any, Any, Any], name: FromPath[str], data: JSONBody[UpdateBody]
) -> DocTypeView:
    """Apply the schema to the DocType's file; 409 when the file changed since ``etag``."""
    ws = _workspace(request)
    return await to_thread.run_sync(ws.update, name, data.doctype, data.etag)


@delete("/studio/api/doctypes/{name:str}")
async def delete_doctype(
    request: Request[Any, Any, Any], name: FromPath[str], etag: FromQuery[str]
) -> None:
    """Remove the DocType (and its controller) from its module and from the app."""
    await to_thread.run_sync(_workspace(request).delete, name, etag)


@get("/studio/api/field-types")
async def field_types(request: Request[Any, Any, Any]) -> FieldTypes:
    """Built-in kinds and the types installed apps register."""
    ws = _workspace(request)
    return FieldTypes(types=ws.types, problems=ws.problems)


@post("/studio/api/preview", status_code=200)
async def preview(request: Request[Any, Any, Any], data: JSONBody[PreviewBody]) -> Preview:
    """The code a save would write, and its diff, without writing anything."""
    ws = _workspace(request)
    return await to_thread.run_sync(partial(ws.preview, data.doctype, app=data.app, etag=data.etag))


@get("/", include_in_schema=False)
async def index() -> Response[bytes]:
    page = STATIC / "index.html"
    if not page.is_file():
        return Response(
            b"Studio's UI is not built. From a source checkout run ./scripts/build-studio-ui "
            b"(needs Node.js and npm); the API is at /studio/api.",
            media_type="text/plain",
            status_code=503,
        )
    return Response(page.read_bytes(), media_type="text/html")


def _host_name(authority: str) -> str:
    """``127.0.0.1:9000`` → ``127.0.0.1``; ``[::1]:9000`` → ``::1``."""
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0]
    return authority.rsplit(":", 1)[0]


def _guard(app: ASGIApp) -> ASGIApp:
    """Refuse requests not addressed to a loopback host, and cross-origin or non-JSON writes."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            allowed: frozenset[str] = scope["app"].state.allowed_hosts
            if _host_name(headers.get("host", "")) not in allowed:
                raise PermissionDeniedException(
                    f"Studio answers only requests for {', '.join(sorted(allowed))}"
                )
            method = scope["method"]
            if method not in ("GET", "HEAD", "OPTIONS"):
                origin = headers.get("origin")
                if origin is not None and _host_name(origin.split("://", 1)[-1]) not in allowed:
                    raise PermissionDeniedException("cross-origin writes are refused")
                if method != "DELETE" and not headers.get("content-type", "").startswith(
                    "application/json"
                ):
                    raise HTTPException(
                        status_code=415, detail="send JSON (Content-Type: application/json)"
                    )
        await app(scope, receive, send)

    return guarded


def create_studio(workspace: Workspace, *, host: str = "127.0.0.1") -> Litestar:
    """The Studio app over ``workspace``; ``host`` joins the loopback names it answers to."""
    routes: list[Any] = [project, list_doctypes, read_doctype, create_doctype, update_doctype]
    routes += [delete_doctype, field_types, preview, index]
    if (STATIC / "assets").is_dir():
        routes.append(create_static_files_router(path="/assets", directories=[STATIC / "assets"]))
    app = Litestar(
        routes,
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=MAX_BODY,
        middleware=[_guard],
        openapi_config=None,
        debug=False,
    )
    app.state.workspace = workspace
    app.state.allowed_hosts = LOOPBACK_HOSTS | frozenset({host} - {"0.0.0.0", "::"})
    return app
