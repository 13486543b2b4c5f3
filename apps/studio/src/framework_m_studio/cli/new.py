"""``m new``: scaffold an app, a DocType (with controller and test) or an adapter package."""

from __future__ import annotations

from cyclopts import App

new = App(name="new", help="Scaffold an app, a DocType or an adapter package.")
