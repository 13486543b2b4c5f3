"""``m new``: scaffold an app, a DocType (with controller and test) or an adapter package."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

from ..scaffold.adapter import adapter

new = App(name="new", help="Scaffold an app, a DocType or an adapter package.")


@new.command(name="app")
def new_app(
    name: str,
    *,
    directory: Annotated[Path | None, Parameter(name="--directory")] = None,
    doctype: str | None = None,
    description: str | None = None,
) -> int:
    """Create an installable app package with a first DocType, its tests and a README.

    Parameters
    ----------
    name
        The app's name, also its Python package (lower_case).
    directory
        Where to create it (default: ./NAME); must not exist or be empty.
    doctype
        Name of the first DocType (default: the app name in CamelCase).
    description
        One line describing the app (pyproject and README).
    """
    from ..scaffolding import plan_app

    target = (directory or Path(name)).resolve()
    planned = plan_app(name, target, doctype, description)
    planned.write()
    print(f"created app {name!r} in {target}")
    for path in sorted(planned.files):
        print(f"  {path}")
    print(
        f"next: cd {target} && pip install -e '.[test]' && pytest  "
        "(then `m start`, or `m studio` to edit DocTypes)"
    )
    return 0


@new.command(name="doctype")
def new_doctype(
    name: str,
    *,
    app: str | None = None,
    child: Annotated[bool, Parameter(negative="")] = False,
    field: Annotated[tuple[str, ...], Parameter(consume_multiple=False)] = (),
) -> int:
    """Add a DocType to an app: its module with a controller, a test, and the app's registration.

    Parameters
    ----------
    name
        The DocType's class name (CamelCase).
    app
        The app to add it to (default: the app whose directory you are in).
    child
        Make it a child DocType (rows of a table field of another DocType): no controller, no
        registration, no test of its own.
    field
        A field as name:type (repeatable); append ? to the type for an optional field; links,
        tables and selects take a third part: customer:link:Customer, rows:table:TaskItem,
        status:select:Open,Closed.
    """
    from ..project import Project, find_root, replace_file
    from ..scaffolding import find_app, parse_field, plan_doctype

    cwd = Path.cwd()
    project = Project(find_root(cwd))
    if app is None and not sys.stdin.isatty():
        target = find_app(None, cwd, project)
    elif app is None:
        try:
            target = find_app(None, cwd, project)
        except Exception:
            choices = [a.name for a in project.apps() if a.editable]
            answer = input(f"Add {name} to which app? ({', '.join(choices)}) ").strip()
            target = find_app(answer or None, cwd, project)
    else:
        target = find_app(app, cwd, project)
    fields = [parse_field(spec) for spec in field]
    planned, changed = plan_doctype(target, name, child=child, fields=fields)
    written = planned.write()
    for path, text in changed.items():
        replace_file(path, text)
    print(f"added DocType {name} to app {target.name!r}")
    for path in [*written, *changed]:
        print(f"  {path}")
    return 0


new.command(adapter, name="adapter")
