"""``create_app``: the Litestar application of a Framework M project.

Routes are built from the registry once, at construction; the Runtime (adapters, Kernel) starts in the
lifespan and its engines are released at shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)

from framework_m_core import App
from framework_m_core.composition import Settings, build_registry, load_settings, start_runtime

from .auth import AuthChainMiddleware, GatewayHeaders, Strategy
from .config import web_config
from .documents import document_routes
from .problems import EXCEPTION_HANDLERS
from .system import SYSTEM_ROUTES


def create_app(settings: Settings | None = None, *, apps: Sequence[App] | None = None) -> Litestar:
    """Build the app for ``settings`` (default: framework_config.toml + environment) and ``apps`` (default:
    the installed apps in configured order). Used by ``m start`` as a uvicorn factory."""
    settings = settings or load_settings()
    config = web_config(settings)
    registry = build_registry(settings, apps)
    routes: list[Any] = list(SYSTEM_ROUTES)
    for meta in registry.metas():
        if meta.options.api_resource:
            routes.extend(document_routes(meta))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, registry=registry)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.aclose()

    strategies: list[Strategy] = [GatewayHeaders()] if config.trust_gateway_headers else []
    return Litestar(
        route_handlers=routes,
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=config.max_body_size,
        cors_config=CORSConfig(allow_origins=config.cors_origins) if config.cors_origins else None,
        middleware=[
            DefineMiddleware(AuthChainMiddleware, strategies=strategies, exclude=["^/schema"])
        ],
        openapi_config=OpenAPIConfig(
            title="Framework M API",
            version=version("framework-m-standard"),
            path="/schema",
            render_plugins=[
                SwaggerRenderPlugin(path=["/", "/swagger"]),
                RedocRenderPlugin(),
                JsonRenderPlugin(),
                YamlRenderPlugin(),
            ],
        ),
        debug=False,
    )
