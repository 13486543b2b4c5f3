"""The built-in ``core`` app: DocTypes the Kernel itself relies on."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from .app import App
from .doctype import DocType, Label


class DocShare(DocType):
    """Grants one user actions on one document, whatever their roles."""

    share_doctype: Annotated[str, Label("DocType")] = Field(min_length=1)
    document: UUID
    user: str = Field(min_length=1)
    read: bool = True
    write: bool = False
    delete: bool = False
    submit: bool = False
    cancel: bool = False
    amend: bool = False

    class Meta:
        indexes = (("share_doctype", "user"), ("share_doctype", "document"))
        unique_together = (("share_doctype", "document", "user"),)


app = App(name="core", doctypes=[DocShare])
