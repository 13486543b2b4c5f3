"""Framework M Studio: reads DocTypes with libcst, writes them with jinja2 and libcst transforms.

Nothing in the runtime packages imports this one: it contributes its commands through the
``framework_m.cli_commands`` entry points, so they exist only where Studio is installed.
"""

from __future__ import annotations

__version__ = "0.1.0"
