"""Every ```python block in the README and docs/*.md must at least run (examples in docs are code)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SNIPPETS = [
    (page, i, code) for page in PAGES for i, code in enumerate(BLOCK.findall(page.read_text()))
]
# Snippets that show an adapter package's own test module need that package; they are compiled only.
NEEDS_OTHER_PACKAGE = ("my_adapter",)
# Pages whose blocks need a MongoDB and framework-mx-mongo installed: they are run, against both, by
# libs/framework-mx-mongo/tests/test_docs.py, and only compiled here. codegen.md's need a generated
# client and a demo server: apps/studio/tests/test_codegen_client.py runs them. studio.md's show what
# Studio writes: apps/studio/tests/test_docs_studio.py checks Studio writes exactly that.
RUN_ELSEWHERE = ("mongodb.md", "adapter-packages.md", "codegen.md", "studio.md")


@pytest.mark.parametrize(
    ("page", "index", "code"), SNIPPETS, ids=[f"{p.name}-{i}" for p, i, _ in SNIPPETS]
)
def test_snippet_runs(page: Path, index: int, code: str) -> None:
    compiled = compile(code, f"{page.name}[{index}]", "exec")
    if any(name in code for name in NEEDS_OTHER_PACKAGE) or page.name in RUN_ELSEWHERE:
        return
    exec(compiled, {"__name__": f"snippet_{index}"})
