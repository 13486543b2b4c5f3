"""What Studio's API answers about a project's DocTypes: the listing, one DocType, a save's preview.

These are the shapes the browser relies on (the server declares them as its response types), kept
apart from the workspace that fills them so the contract reads on one page.
"""

from __future__ import annotations

from pydantic import BaseModel

from .model import ControllerModel, DocTypeModel


class DocTypeSummary(BaseModel):
    name: str
    label: str
    is_child: bool
    module: str
    path: str
    fields: int


class AppListing(BaseModel):
    app: str
    package: str
    editable: bool
    doctypes: list[DocTypeSummary]


class DocTypeView(BaseModel):
    """One DocType as Studio shows it: the schema, where it lives and the etag of that file."""

    app: str
    module: str
    path: str
    etag: str
    editable: bool
    doctype: DocTypeModel
    controller: ControllerModel | None = None
    source: str
    renames: list[tuple[str, str]] = []


class Preview(BaseModel):
    """What a save would write, without writing: the whole new file and a diff against disk."""

    path: str
    source: str
    diff: str
    renames: list[tuple[str, str]] = []
    app_path: str | None = None
    app_source: str | None = None
