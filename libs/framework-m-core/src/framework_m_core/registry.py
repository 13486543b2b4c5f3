"""MetaRegistry: every DocType, controller and RPC function of the installed apps, checked once."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import create_model

from .app import App
from .controller import Controller, exposure_of
from .doctype import DocType
from .errors import ConfigurationError, NotFound
from .meta import DocTypeMeta

APPS_GROUP = "framework_m.apps"
BUILTIN_APP = "core"


@dataclass(frozen=True)
class LoadedApp:
    app: App
    source: str


def _source(app: App, ep: importlib.metadata.EntryPoint | None) -> str:
    if ep is not None and ep.dist is not None:
        return f"app {app.name!r} ({ep.dist.name} {ep.dist.version}, {ep.value})"
    return f"app {app.name!r}"


def discover_apps(order: Sequence[str] | None = None) -> list[LoadedApp]:
    """Load apps from entry points. With ``order`` (from configuration) exactly those apps load, in that
    order, after the built-in ``core`` app and the ``system`` apps; an unknown name is a
    ConfigurationError."""
    found: dict[str, LoadedApp] = {}
    for ep in importlib.metadata.entry_points(group=APPS_GROUP):
        loaded = ep.load()
        app = loaded() if callable(loaded) and not isinstance(loaded, App) else loaded
        if not isinstance(app, App):
            raise ConfigurationError(
                f"entry point {ep.name} = {ep.value!r} is not a framework_m App"
            )
        if ep.name in found:
            raise ConfigurationError(
                f"two apps are named {ep.name!r}: {found[ep.name].source} and {_source(app, ep)}"
            )
        found[ep.name] = LoadedApp(app, _source(app, ep))
    system = sorted(n for n, loaded in found.items() if loaded.app.system and n != BUILTIN_APP)
    names = [n for n in (order or sorted(found)) if n != BUILTIN_APP and n not in system]
    missing = [n for n in names if n not in found]
    if missing:
        raise ConfigurationError(
            f"configured apps {missing} are not installed; installed apps: {sorted(found)}"
        )
    first = [BUILTIN_APP] if BUILTIN_APP in found else []
    return [found[n] for n in (*first, *system, *names)]


def _extend(base: type[DocType], extension: type[Any], source: str) -> type[DocType]:
    added: dict[str, Any] = {}
    for fname, info in extension.model_fields.items():
        if fname in base.model_fields:
            raise ConfigurationError(
                f"{source} overrides {base.__name__}: field {fname!r} already exists and cannot be redefined"
            )
        added[fname] = (info.annotation, info)
    model = create_model(base.__name__, __base__=base, __module__=base.__module__, **added)
    return cast(type[DocType], model)


class MetaRegistry:
    """Immutable view of the installed apps; build with ``MetaRegistry.from_apps`` or ``discover``."""

    def __init__(self, apps: Iterable[App | LoadedApp]) -> None:
        self.apps: list[LoadedApp] = [
            a if isinstance(a, LoadedApp) else LoadedApp(a, f"app {a.name!r}") for a in apps
        ]
        models: dict[str, tuple[type[DocType], LoadedApp]] = {}
        self._controllers: dict[str, type[Controller[Any]]] = {}
        self._rpc: dict[str, Callable[..., Any]] = {}
        for loaded in self.apps:
            for model in loaded.app.doctypes:
                name = model.__name__
                if name in models:
                    raise ConfigurationError(
                        f"DocType {name!r} is declared twice: by {models[name][1].source} and by {loaded.source}"
                    )
                models[name] = (model, loaded)
        for loaded in self.apps:
            for target, extension in loaded.app.overrides.items():
                if target not in models:
                    raise ConfigurationError(
                        f"{loaded.source} overrides unknown DocType {target!r}"
                    )
                model, owner = models[target]
                models[target] = (_extend(model, extension, loaded.source), owner)
            for target, controller in loaded.app.controllers.items():
                if target not in models:
                    raise ConfigurationError(
                        f"{loaded.source} has a controller for unknown DocType {target!r}"
                    )
                self._controllers[target] = controller  # later apps refine earlier controllers
            for fn in loaded.app.rpc:
                if exposure_of(fn) is None:
                    raise ConfigurationError(
                        f"{loaded.source} lists {fn.__qualname__} in rpc without @rpc"
                    )
                self._rpc[f"{fn.__module__}.{fn.__qualname__}"] = fn
        self._metas = {
            n: DocTypeMeta.of(m, app=owner.app.name, name=n) for n, (m, owner) in models.items()
        }
        self._check_links()

    @classmethod
    def discover(cls, order: Sequence[str] | None = None) -> MetaRegistry:
        return cls(discover_apps(order))

    def _check_links(self) -> None:
        for meta in self._metas.values():
            for sub in (meta, *meta.children.values()):
                for fname, target in sub.links.items():
                    if target not in self._metas:
                        raise ConfigurationError(
                            f"{sub.name}.{fname} links to unknown DocType {target!r}"
                        )

    def get(self, name: str) -> DocTypeMeta:
        try:
            return self._metas[name]
        except KeyError:
            raise NotFound(f"unknown DocType {name!r}", details={"doctype": name}) from None

    def __contains__(self, name: object) -> bool:
        return name in self._metas

    def metas(self) -> list[DocTypeMeta]:
        return list(self._metas.values())

    def controller(self, name: str) -> type[Controller[Any]]:
        return self._controllers.get(name, Controller)

    def rpc_function(self, dotted_path: str) -> Callable[..., Any] | None:
        return self._rpc.get(dotted_path)

    def rpc_functions(self) -> dict[str, Callable[..., Any]]:
        return dict(self._rpc)

    def referencing(self, name: str) -> list[tuple[DocTypeMeta, str]]:
        """Top-level DocTypes and Link fields that point at ``name`` (used to protect deletes)."""
        return [
            (m, f) for m in self._metas.values() for f, target in m.links.items() if target == name
        ]
