"""Property-based fuzzing of the whole HTTP API with schemathesis, driven by our own OpenAPI document.

It runs against a demo server of its own (its login attempts must not lock out other tests), signed
in as an Administrator so it reaches every route. It passes when no response is a 500 and every
response matches what ``/schema/openapi.json`` promises: status code, content type and body schema.
The seed is fixed so a failure reproduces; set ``FUZZ_SEED`` / ``FUZZ_EXAMPLES`` to explore further.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import serve_demo

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)


def test_the_api_survives_fuzzing(tmp_path: Path) -> None:
    with serve_demo(tmp_path) as demo:
        headers = demo.token("admin@example.com")
        command = [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{demo.base}/schema/openapi.json",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            os.environ.get("FUZZ_EXAMPLES", "25"),
            "--seed",
            os.environ.get("FUZZ_SEED", "20261122"),
            "--workers",
            "2",
            "--generation-database",
            "none",
            "--no-color",
            "-H",
            f"Authorization: {headers['Authorization']}",
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path
        )
    summary = done.stdout[-6000:]
    if done.returncode != 0:
        pytest.fail(
            f"schemathesis found problems (exit {done.returncode}):\n{summary}\n"
            f"{done.stderr[-2000:]}"
        )
    assert "generated" in done.stdout
