"""``m docs``: reference documentation of the installed DocTypes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

docs = App(name="docs", help="Generate Markdown reference documentation of the installed DocTypes.")

Json = Annotated[bool, Parameter(name="--json", negative="")]


@docs.command
def generate(
    *,
    output: Path = Path("docs/doctypes"),
    app: Annotated[
        tuple[str, ...], Parameter(negative="", help="only this app's DocTypes; repeatable")
    ] = (),
    as_json: Json = False,
) -> int:
    """Write a Markdown page per DocType of the apps the project loads (fields, options,
    permissions, controller hooks, whitelisted methods) and an index grouped by app.

    Parameters
    ----------
    output
        Directory for `index.md` and `APP/DOCTYPE.md`. Pages it generated earlier for DocTypes
        that no longer exist are removed; files it did not write are never touched.
    as_json
        Print what was written as JSON (for scripts).
    """
    from ..docs_reference import generate as write_reference

    result = write_reference(output, app)
    if as_json:
        report = {
            "directory": str(result.directory),
            "written": [str(p) for p in result.written],
            "removed": [str(p) for p in result.removed],
        }
        print(json.dumps(report, indent=2))
        return 0
    for path in result.removed:
        print(f"removed {path} (its DocType is gone)")
    pages = len(result.written) - 1
    print(f"wrote {pages} DocType page{'s' if pages != 1 else ''} and {output / 'index.md'}")
    return 0
