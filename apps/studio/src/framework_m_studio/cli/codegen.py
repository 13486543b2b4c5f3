"""``m codegen``: typed API clients generated from an application's OpenAPI document.

Exit codes follow ``m``: 0 written, 1 a Framework M error (an unreachable ``--url``, a document the
generator cannot represent, an ``--output`` it must not overwrite), 2 bad arguments.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

from cyclopts import App, Parameter

codegen = App(name="codegen", help="Generate code from a running application: typed API clients.")

Json = Annotated[bool, Parameter(name="--json", negative="")]


@codegen.command
def client(
    *,
    lang: Literal["ts", "python"],
    url: str | None = None,
    output: Path | None = None,
    as_json: Json = False,
) -> int:
    """Write a typed client of the application's HTTP API, generated from its OpenAPI document.

    Parameters
    ----------
    lang
        python: a package of pydantic models with a sync Client and an AsyncClient over httpx.
        ts: one TypeScript module of interfaces and a fetch-based Client.
    url
        Read the document of the application running there (e.g. http://127.0.0.1:8000, or the
        full URL of an openapi.json). Without it the document is built in-process from the project
        of the current directory, exactly as m start would serve it; no server is needed.
    output
        python: the package directory to write (`__init__.py`, `models.py`, `client.py`,
        `py.typed`); its name is the import name. Default `./api_client`. ts: a `.ts` file, or a
        directory to hold `client.ts`. Default `./api_client.ts`. Files this command did not
        write are never replaced.
    as_json
        Print what was written as JSON (for scripts).
    """
    from ..codegen import build_document, document_url, fetch_document, generate_client
    from ..codegen.output import python_package, typescript_file

    target = output or Path("api_client" if lang == "python" else "api_client.ts")
    # A bad --output fails before any document is fetched or built.
    if lang == "python":
        python_package(target)
    else:
        typescript_file(target)
    if url is not None:
        source = document_url(url)
        document = fetch_document(url)
    else:
        source = "the project, built in-process"
        document = build_document()
    generated = generate_client(document, lang, target)
    api = generated.api
    report = {
        "language": lang,
        "source": source,
        "api": f"{api.title} {api.version}".strip(),
        "files": [str(p) for p in generated.files],
        "package": generated.package,
        "operations": len(api.operations),
        "schemas": len(api.schemas),
        "skipped": list(api.skipped),
    }
    if as_json:
        print(json.dumps(report, indent=2))
        return 0
    for path in generated.files:
        print(f"wrote {path}")
    for note in api.skipped:
        print(f"note: {note}", file=sys.stderr)
    counts = f"{len(api.operations)} operations, {len(api.schemas)} schemas"
    if lang == "python":
        print(
            f"Python client of {report['api']} ({counts}) from {source}: "
            f"import {generated.package} (needs httpx and pydantic 2)"
        )
    else:
        print(
            f"TypeScript client of {report['api']} ({counts}) from {source}: "
            "needs fetch (browsers, Node 18+) and the DOM library in tsconfig"
        )
    return 0
