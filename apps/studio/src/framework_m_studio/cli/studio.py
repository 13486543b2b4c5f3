"""``m studio``: serve Studio's API and browser UI for the current project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cyclopts import Parameter

from framework_m_core.errors import ConfigurationError


def studio(
    *,
    host: str = "127.0.0.1",
    port: int = 9000,
    project: Annotated[Path | None, Parameter(name="--project")] = None,
) -> int:
    """Run Studio, the visual DocType builder, for the current project.

    Parameters
    ----------
    host
        Interface to bind. Studio writes files in your project: keep it on 127.0.0.1 unless you
        know who can reach the address you choose.
    port
        TCP port.
    project
        The project directory (default: the nearest one upward holding framework_config.toml, else
        the current directory).
    """
    import uvicorn

    from ..project import find_root
    from ..server import STATIC, create_studio
    from ..workspace import Workspace

    if not 1 <= port <= 65535:
        raise ConfigurationError(f"--port {port}: expected 1-65535")
    if project is not None and not project.is_dir():
        raise ConfigurationError(f"--project {project}: not a directory")
    root = find_root(project)
    workspace = Workspace.open(root)
    app = create_studio(workspace, host=host)
    for problem in workspace.problems:
        print(f"warning: {problem}")
    print(f"Framework M Studio for {root} on http://{host}:{port}")
    if not (STATIC / "index.html").is_file():
        print("warning: the browser UI is not built (./scripts/build-studio-ui); the API works")
    uvicorn.run(app, host=host, port=port, log_level="warning", lifespan="on")
    return 0
