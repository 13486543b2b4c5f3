"""The benchmark's throw-away world: a scratch database, a project directory, a user and seed data.

Everything is named uniquely per run and removed afterwards, so runs can overlap on one machine.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

USER = "bench@example.com"
PASSWORD = "benchmark password"
TERRITORIES = ("North", "South", "East", "West", "Central")


@dataclass(frozen=True)
class Project:
    """A project directory whose framework_config.toml points at the scratch database."""

    directory: Path
    config: Path
    database_url: str  # postgresql:// for asyncpg
    secret: str

    @property
    def env(self) -> dict[str, str]:
        return {"FRAMEWORK_M_CONFIG": str(self.config)}


async def _admin(admin_url: str, statement: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def _sql(url: str, *statements: str) -> list[Any]:
    conn = await asyncpg.connect(url)
    try:
        return [await conn.fetchval(s) for s in statements]
    finally:
        await conn.close()


def sql(url: str, *statements: str) -> list[Any]:
    """Run statements one by one on a fresh connection; the first column of each result."""
    return asyncio.run(_sql(url, *statements))


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A uniquely named database for this run, dropped afterwards whatever happens."""
    name = f"fm_http_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(admin_url, f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'"))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        print(f"dropped database {name}", flush=True)


@contextmanager
def project_directory(database_url: str) -> Iterator[Project]:
    """A temporary project for the CRM app on ``database_url``, with the benchmark user added.

    The login limits are lifted: the benchmark signs in once per measured run."""
    directory = Path(tempfile.mkdtemp(prefix="fm_http_bench_"))
    try:
        secret = secrets.token_urlsafe(48)
        config = directory / "framework_config.toml"
        sa_url = database_url.replace("postgresql://", "postgresql+asyncpg://", 1)
        config.write_text(
            'apps = ["crm"]\n'
            f'[database]\nurl = "{sa_url}"\n'
            f'[auth]\nsecret_key = "{secret}"\n'
            "login_attempts_per_account = 1000000\nlogin_attempts_per_address = 1000000\n"
        )
        project = Project(directory, config, database_url, secret)
        m = Path(sys.executable).parent / "m"
        subprocess.run(
            [str(m), "user", "add", USER, "--role", "Administrator", "--password-stdin"],
            input=f"{PASSWORD}\n",
            text=True,
            cwd=directory,
            env={**os.environ, **project.env},
            check=True,
            capture_output=True,
        )
        yield project
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def login(port: int) -> str:
    """A fresh access token from ``POST /api/v1/auth/login`` (they live 15 minutes)."""
    response = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        json={"email": USER, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def seed_customers(port: int, token: str, count: int, chunk: int = 1000) -> list[str]:
    """``count`` customers through the framework's bulk route; returns their ids.

    Two in three are companies, so the list scenario's filter matches a large share of the rows."""
    ids: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
        for first in range(0, count, chunk):
            batch = [
                {
                    "customer_name": f"Seed Customer {i:06d}",
                    "customer_type": "Individual" if i % 3 == 2 else "Company",
                    "email": f"accounts{i}@example.com",
                    "territory": TERRITORIES[i % len(TERRITORIES)],
                    "credit_limit": f"{(i % 50) * 1000}.00",
                }
                for i in range(first, min(first + chunk, count))
            ]
            response = client.post("/api/v1/Customer/bulk", json=batch)
            response.raise_for_status()
            ids.extend(item["id"] for item in response.json()["items"])
    return ids
