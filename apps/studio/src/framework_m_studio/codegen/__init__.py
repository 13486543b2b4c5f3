"""``m codegen client``: typed API clients generated from an application's OpenAPI document.

``read_api`` reduces the document to what clients need; ``generate_client`` renders the Python package
or the TypeScript module from the jinja2 templates in ``templates/client`` and writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .api import Api
from .openapi import read_api
from .output import python_package, typescript_file, write
from .python import PythonRenderer
from .source import build_document, document_url, fetch_document
from .typescript import TypeScriptRenderer

Language = Literal["ts", "python"]


@dataclass(frozen=True)
class Generated:
    """What ``generate_client`` wrote, for the command's report."""

    language: Language
    api: Api
    files: tuple[Path, ...]
    package: str | None = None


def render_client(api: Api, language: Language, output: Path) -> dict[Path, str]:
    """The files of a client of ``api`` for ``output`` (see ``generate_client``), not yet written."""
    if language == "python":
        package = python_package(output)
        renderer = PythonRenderer(api, package.resolve().name)
        client = renderer.client_module()
        models = renderer.models_module()  # after the client: its enumerations get names too
        return {
            package / "__init__.py": renderer.init_module(),
            package / "models.py": models,
            package / "client.py": client,
            package / "py.typed": "",
        }
    return {typescript_file(output): TypeScriptRenderer(api).module()}


def generate_client(document: Any, language: Language, output: Path) -> Generated:
    """Read ``document`` and write its client: for ``python`` the package directory ``output``
    (``__init__.py``, ``models.py``, ``client.py``, ``py.typed``); for ``ts`` the file ``output``
    when it ends in ``.ts``, else ``output/client.ts``. Raises ValidationError on a document it
    cannot represent or an output it must not overwrite."""
    api = read_api(document)
    files = write(render_client(api, language, output))
    package = output.resolve().name if language == "python" else None
    return Generated(language, api, tuple(files), package)


__all__ = [
    "Generated",
    "Language",
    "build_document",
    "document_url",
    "fetch_document",
    "generate_client",
    "read_api",
    "render_client",
]
