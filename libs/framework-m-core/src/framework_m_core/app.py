"""``App``: what an installed application contributes (DocTypes, controllers, overrides, RPC functions).

An application exposes one ``App`` under the entry point group ``framework_m.apps``::

    [project.entry-points."framework_m.apps"]
    crm = "crm.app:app"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .controller import Controller
from .doctype import DocType


class DocTypeExtension(BaseModel):
    """Base for fields an app adds to another app's DocType (see ``App.overrides``)."""


@dataclass(frozen=True)
class App:
    """An application's contribution. ``overrides`` maps a DocType name to an extension model whose
    fields are added to that DocType; base fields can be neither removed nor redefined.

    ``system`` marks a framework app every project gets (users and roles, say): it loads right after
    the built-in core app whatever the configured app order, so a project cannot forget it."""

    name: str
    doctypes: Sequence[type[DocType]] = ()
    controllers: Mapping[str, type[Controller[Any]]] = field(default_factory=dict)
    overrides: Mapping[str, type[DocTypeExtension]] = field(default_factory=dict)
    rpc: Sequence[Callable[..., Any]] = ()
    version: str | None = None
    system: bool = False
