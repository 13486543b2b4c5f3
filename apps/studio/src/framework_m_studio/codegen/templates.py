"""The jinja2 environment of the client generators (templates under ``templates/client``)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("framework_m_studio", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, /, **context: Any) -> str:
    return environment().get_template(template).render(**context)
