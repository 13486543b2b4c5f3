"""``m docs``: reference documentation of the installed DocTypes."""

from __future__ import annotations

from cyclopts import App

docs = App(name="docs", help="Generate Markdown reference documentation of the installed DocTypes.")
