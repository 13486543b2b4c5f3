"""Test support: a MongoDB to test against, and the conformance-kit provider for these adapters.

``FRAMEWORK_M_TEST_MONGO_URL`` names a real MongoDB (a replica set: the adapters need transactions).
Without it, ``mongo_test_url`` starts mongoeco's MongoDB-wire-compatible server as a separate
process under a Python >= 3.13 (mongoeco's requirement) in a virtual environment of its own, on a
free loopback port, and the adapters talk to it with the real PyMongo async client over TCP.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from framework_m_core.testing import AdapterSet, Capabilities

from .config import MongoConfig
from .database import MongoDatabase
from .naming_counter import MongoNamingCounter
from .outbox import MongoOutbox
from .repository import MongoRepository
from .schema_manager import MongoSchemaManager
from .unit_of_work import MongoUnitOfWork

MONGO_URL_ENV = "FRAMEWORK_M_TEST_MONGO_URL"
PYTHON_ENV = "FRAMEWORK_M_MONGOECO_PYTHON"
MONGOECO = "mongoeco[wire]==4.11.0"
SERVER_SCRIPT = Path(__file__).with_name("mongoeco_server.py")


class MongoUnavailable(RuntimeError):
    """Neither a configured MongoDB nor the means to start mongoeco (says what is missing)."""


def _runs(python: str) -> bool:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info >= (3, 13))"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == "True"


def find_python313() -> str:
    """A working Python >= 3.13: ``FRAMEWORK_M_MONGOECO_PYTHON``, then ``python3.13``/``python3.14``
    on PATH, then the interpreters pyenv and uv keep (pyenv's shims may not run, so each is tried)."""
    candidates: list[str] = []
    if os.environ.get(PYTHON_ENV):
        candidates.append(os.environ[PYTHON_ENV])
    candidates += [p for p in (shutil.which("python3.13"), shutil.which("python3.14")) if p]
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    uv_root = os.environ.get("UV_PYTHON_INSTALL_DIR") or str(Path.home() / ".local/share/uv/python")
    for pattern in (
        f"{pyenv_root}/versions/3.1[3-9]*/bin/python3",
        f"{uv_root}/cpython-3.1[3-9]*/bin/python3",
    ):
        candidates += sorted(glob.glob(pattern), reverse=True)
    for python in candidates:
        if _runs(python):
            return python
    raise MongoUnavailable(
        f"mongoeco needs Python >= 3.13 and none was found (set {PYTHON_ENV}, or install one with "
        f"`uv python install 3.13`), or point {MONGO_URL_ENV} at a MongoDB replica set"
    )


def mongoeco_python(directory: Path) -> Path:
    """The interpreter of a virtual environment in ``directory`` with mongoeco installed (made once)."""
    python = directory / "bin" / "python"
    marker = directory / ".framework-m-mongoeco"
    if python.exists() and marker.exists() and marker.read_text() == MONGOECO:
        return python
    base = find_python313()
    uv = shutil.which("uv")
    try:
        if uv:
            subprocess.run([uv, "venv", "-q", "--clear", "-p", base, str(directory)], check=True)
            install = [uv, "pip", "install", "-q", "-p", str(python), MONGOECO]
        else:
            subprocess.run([base, "-m", "venv", "--clear", str(directory)], check=True)
            install = [str(python), "-m", "pip", "install", "-q", MONGOECO]
        subprocess.run(install, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise MongoUnavailable(f"could not install {MONGOECO} with {base}: {exc}") from exc
    marker.write_text(MONGOECO)
    return python


@contextmanager
def mongoeco_server(directory: Path) -> Iterator[str]:
    """Start mongoeco's wire server on a free loopback port; yields its URL; stops it by its PID.

    Its log goes to ``server.log`` in ``directory`` (a pipe nobody reads would fill and stall it)."""
    python = mongoeco_python(directory)
    with (directory / "server.log").open("w") as log:
        process = subprocess.Popen(
            [str(python), str(SERVER_SCRIPT), "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,  # its own process group, stopped below without touching others
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.startswith("READY "):
                process.wait(timeout=10)
                failure = (directory / "server.log").read_text()[-2000:]
                raise MongoUnavailable(f"mongoeco did not start: {line.strip()} {failure}")
            yield line.split(" ", 1)[1].strip()
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()


@contextmanager
def mongo_test_url(directory: Path) -> Iterator[str]:
    """``FRAMEWORK_M_TEST_MONGO_URL`` when set, else a mongoeco server started for the duration."""
    configured = os.environ.get(MONGO_URL_ENV)
    if configured:
        yield configured
        return
    with mongoeco_server(directory) as url:
        yield url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (the path part of a MongoDB URL)."""
    head, _, query = url.partition("?")
    scheme, _, rest = head.partition("://")
    hosts = rest.split("/", 1)[0]
    return f"{scheme}://{hosts}/{name}" + (f"?{query}" if query else "")


def unique_database(prefix: str = "fm_test") -> str:
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


def adapter_set(database: MongoDatabase) -> AdapterSet:
    return AdapterSet(
        repository=MongoRepository(database),
        unit_of_work=MongoUnitOfWork(database),
        schema_manager=MongoSchemaManager(database),
        naming_counter=MongoNamingCounter(database),
        outbox=MongoOutbox(database),
        extra={"database": database},
    )


class MongoProvider:
    """A fresh database per adapter set on the server at ``url``, dropped afterwards."""

    capabilities = Capabilities(
        missing={
            "event_bus": "framework-mx-mongo fills the persistence ports only; the event bus "
            "comes from another package and is checked there",
            "cache": "framework-mx-mongo fills the persistence ports only; the cache comes from "
            "another package and is checked there",
            "microsecond_datetimes": "BSON dates hold milliseconds; finer parts are dropped",
        }
    )

    def __init__(self, url: str, prefix: str = "fm_test") -> None:
        self.url = url
        self.prefix = prefix

    @asynccontextmanager
    async def open(self) -> AsyncIterator[AdapterSet]:
        name = unique_database(self.prefix)
        database = MongoDatabase(MongoConfig(url=self.url, database=name))
        try:
            await database.require_transactions()
            yield adapter_set(database)
        finally:
            await database.client.drop_database(name)
            await database.close()


__all__ = [
    "MONGO_URL_ENV",
    "MongoProvider",
    "MongoUnavailable",
    "adapter_set",
    "find_python313",
    "mongo_test_url",
    "mongoeco_server",
    "unique_database",
    "with_database",
]
