"""``m codegen``: typed API clients generated from an application's OpenAPI document."""

from __future__ import annotations

from cyclopts import App

codegen = App(name="codegen", help="Generate code from a running application: typed API clients.")
