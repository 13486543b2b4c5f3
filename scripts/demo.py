"""Prepare and serve the demo CRM: a project in ``.demo/`` on SQLite, three users, seed data.

Run by ``scripts/demo``. Safe to run again: existing users and data are kept (``--reset`` starts over).
The server is ``m start`` in the demo project, replacing this process so Ctrl-C stops it directly.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from pathlib import Path

from crm import SALES_MANAGER, SALES_USER
from crm.seed import seed
from framework_m_core.composition import load_settings, start_runtime
from framework_m_standard.identity import IdentityService, auth_config, context_of, token_signer

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / ".demo"
PASSWORD = "demo-password"
USERS = (
    ("admin@example.com", "Demo Administrator", "Administrator"),
    ("manager@example.com", "Maya Manager", SALES_MANAGER),
    ("sales@example.com", "Sam Sales", SALES_USER),
)
CONFIG = """\
# The demo CRM project (made by scripts/demo; delete .demo/ or pass --reset to start over).
apps = ["crm"]
dev_mode = true

[database]
url = "sqlite:///{database}"
"""


async def prepare(project: Path) -> dict[str, int]:
    """Users first (so the seed data has an owner who can sign in), then the CRM's sample data."""
    settings = load_settings(project / "framework_config.toml")
    config = auth_config(settings)
    runtime = await start_runtime(settings)
    try:
        identity = IdentityService(runtime.kernel, config, token_signer(settings, config))
        for email, name, role in USERS:
            if await identity.find_user(email) is None:
                await identity.add_user(email, full_name=name, password=PASSWORD, roles=[role])
        sales = await identity.user("sales@example.com")
        return await seed(runtime.kernel, owner=context_of(sales))
    finally:
        await runtime.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--reset", action="store_true", help="delete the demo database first")
    parser.add_argument("--project", type=Path, default=PROJECT, help="where the demo's data lives")
    args = parser.parse_args()
    project: Path = args.project.resolve()
    if args.reset and project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True, exist_ok=True)
    config = project / "framework_config.toml"
    if not config.exists():
        config.write_text(CONFIG.format(database=project / "crm.sqlite3"))
    created = asyncio.run(prepare(project))
    base = f"http://{args.host}:{args.port}"
    print(f"Demo CRM at {base}  (API docs: {base}/schema, data: {project})")
    if any(created.values()):
        print("Seeded: " + ", ".join(f"{n} {k}" for k, n in created.items()))
    print(f"Sign in (password for all three: {PASSWORD}):")
    for email, _, role in USERS:
        print(f"  {email:<22} {role}")
    print(
        f"  curl -s -X POST {base}/api/v1/auth/login -H 'content-type: application/json' \\\n"
        f'       -d \'{{"email": "admin@example.com", "password": "{PASSWORD}"}}\''
    )
    sys.stdout.flush()
    m = Path(sys.executable).with_name("m")
    os.chdir(project)
    os.environ["FRAMEWORK_M_CONFIG"] = str(config)
    os.execv(m, [str(m), "start", "--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    main()
