"""``m studio``: serve Studio's API and browser UI for the current project."""

from __future__ import annotations

from cyclopts import App

studio = App(name="studio", help="Run Studio, the visual DocType builder, for the current project.")
