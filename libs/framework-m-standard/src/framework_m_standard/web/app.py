"""``create_app``: the Litestar application of a Framework M project.

Routes are built from the registry once, at construction; the Runtime (adapters, Kernel) starts in the
lifespan and its engines are released at shutdown.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import version

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)
from litestar.openapi.spec import Components

from framework_m_core import App
from framework_m_core.composition import Settings, build_registry, load_settings, start_runtime

from ..identity import AuthConfig, IdentityService, auth_config, token_signer
from ..identity import app as identity_app
from .auth import CSRF_HEADER, AuthChainMiddleware, default_strategies
from .config import web_config
from .models import TYPE_DECODERS, TYPE_ENCODERS, FrameworkLitestar, PydanticSchemas
from .openapi import SECURITY_SCHEMES, DecimalAsText
from .problems import EXCEPTION_HANDLERS
from .ratelimit import LoginLimiter
from .routes import api_routes


def create_app(settings: Settings | None = None, *, apps: Sequence[App] | None = None) -> Litestar:
    """Build the app for ``settings`` (default: framework_config.toml + environment) and ``apps`` (default:
    the installed apps in configured order). Used by ``m start`` as a uvicorn factory."""
    settings = settings or load_settings()
    config = web_config(settings)
    auth = auth_config(settings)
    if apps is not None and all(a.name != identity_app.name for a in apps):
        apps = [identity_app, *apps]
    registry = build_registry(settings, apps)
    signer = token_signer(settings, auth)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, registry=registry)
        app.state.runtime = runtime
        app.state.identity = IdentityService(runtime.kernel, auth, signer)
        # Everything loaded so far lives as long as the process: moving it out of the collector's
        # reach keeps full collections (the p99 latency) short under load.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await runtime.aclose()

    strategies = default_strategies(trust_gateway_headers=config.trust_gateway_headers)
    return FrameworkLitestar(
        route_handlers=api_routes(registry),
        lifespan=[lifespan],
        state=_state(auth),
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[DecimalAsText(), PydanticSchemas()],
        type_decoders=TYPE_DECODERS,
        type_encoders=TYPE_ENCODERS,
        request_max_body_size=config.max_body_size,
        cors_config=CORSConfig(
            allow_origins=config.cors_origins,
            allow_credentials=True,
            allow_headers=["Authorization", "Content-Type", "X-API-Key", CSRF_HEADER],
        )
        if config.cors_origins
        else None,
        middleware=[
            DefineMiddleware(AuthChainMiddleware, strategies=strategies, exclude=["^/schema"])
        ],
        openapi_config=OpenAPIConfig(
            title="Framework M API",
            version=version("framework-m-standard"),
            path="/schema",
            components=Components(security_schemes=SECURITY_SCHEMES),
            security=[{"bearer": []}, {"apiKey": []}, {"session": []}, {}],
            render_plugins=[
                SwaggerRenderPlugin(path=["/", "/swagger"]),
                RedocRenderPlugin(),
                JsonRenderPlugin(),
                YamlRenderPlugin(),
            ],
        ),
        # Our own loggers only: configuring the root logger would make every library chatty.
        logging_config=LoggingConfig(
            configure_root_logger=False,
            log_exceptions="never",
            loggers={
                "framework_m": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False}
            },
        ),
        debug=False,
    )


def _state(auth: AuthConfig) -> State:
    return State(
        {
            "auth_config": auth,
            "login_limiter": LoginLimiter(
                per_account=auth.login_attempts_per_account,
                per_address=auth.login_attempts_per_address,
                window=auth.login_window,
            ),
        }
    )
