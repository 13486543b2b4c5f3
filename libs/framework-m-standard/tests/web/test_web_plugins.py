"""The app leaves out the plugins Litestar would add for pydantic (loading ``pydantic.v1``) and attrs
— memory every server process would keep — yet still draws its pydantic models in OpenAPI, loading
Litestar's pydantic schema support only when a schema is built."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

SCRIPT = textwrap.dedent("""
    import json, sys
    from framework_m_core.composition import Settings
    from framework_m_standard.web.app import create_app

    WATCHED = ("pydantic.v1", "attr", "litestar.plugins.pydantic", "litestar.plugins.attrs")
    settings = Settings.model_validate({"database": {"url": f"sqlite:///{sys.argv[1]}"}})
    app = create_app(settings)
    before = [m for m in WATCHED if m in sys.modules]
    schemas = app.openapi_schema.to_schema()["components"]["schemas"]
    after = [m for m in WATCHED if m in sys.modules]
    total = schemas["SalesInvoice"]["properties"]["total"]
    print(json.dumps({"before": before, "after": after, "user": schemas["User"], "total": total}, default=str))
""")


def _probe(tmp_path: Path) -> dict[str, Any]:
    """Build the app in a process of its own and report what the schema step loaded and drew."""
    script = tmp_path / "app.py"
    script.write_text(SCRIPT)
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "app.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=tmp_path,
    )
    found: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return found


def test_litestar_plugins_load_only_with_the_schema(tmp_path: Path) -> None:
    found = _probe(tmp_path)
    assert found["before"] == []
    assert "litestar.plugins.pydantic" in found["after"]
    assert "attr" not in found["after"]
    assert {"email", "roles"} <= set(found["user"]["properties"])


def test_decimal_fields_keep_their_own_description(tmp_path: Path) -> None:
    """Decimals are documented as text, and the field's own description is not lost to that."""
    total = _probe(tmp_path)["total"]
    assert (total["type"], total["format"]) == ("string", "decimal")
    assert total["description"] == (
        'Sum of the row amounts (computed). (a decimal number as text, e.g. "12.50")'
    )
