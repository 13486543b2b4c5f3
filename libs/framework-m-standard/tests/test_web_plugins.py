"""The app leaves out the plugins Litestar would add for pydantic (loading ``pydantic.v1``) and attrs
— memory every server process would keep — yet still draws its pydantic models in OpenAPI, loading
Litestar's pydantic schema support only when a schema is built."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

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
    print(json.dumps({"before": before, "after": after, "user": schemas["User"]}))
""")


def test_litestar_plugins_load_only_with_the_schema(tmp_path: Path) -> None:
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
    found = json.loads(out.stdout.splitlines()[-1])
    assert found["before"] == []
    assert "litestar.plugins.pydantic" in found["after"]
    assert "attr" not in found["after"]
    assert {"email", "roles"} <= set(found["user"]["properties"])
