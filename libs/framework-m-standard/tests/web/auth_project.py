"""The project the authentication tests run against, and the client side of signing in.

``APP`` has one DocType (``Memo``: Writers see their own rows) with a whitelisted method; conftest.py's
``project`` fixture installs it, makes three users with the real ``m`` (admin@, wes@ and val@
example.com, all with the password ``correct horse battery``) and serves it with uvicorn. ``login``,
``bearer`` and ``forge`` sign in, get a bearer header and forge tokens with chosen claims and keys.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt

M = Path(sys.executable).with_name("m")
SECRET = "test-secret-key-long-enough-even-for-hs512-0123456789abcdefghijklmnop"
APP = """
from framework_m import App, DocType, PermissionRule, Controller, whitelist


class Memo(DocType):
    title: str = ""

    class Meta:
        api_resource = True
        permissions = [
            PermissionRule(role="Writer", rows="own", actions=frozenset({"read", "write", "create"})),
        ]


class MemoController(Controller[Memo]):
    @whitelist(action="read")
    def shout(self) -> str:
        return self.doc.title.upper()


app = App(name="memos", doctypes=[Memo], controllers={"Memo": MemoController})
"""


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    base: str

    def m(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(M), *args],
            cwd=self.root,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )


def login(http: httpx.Client, email: str, **extra: str) -> httpx.Response:
    return http.post(
        "/api/v1/auth/login", json={"email": email, "password": "correct horse battery", **extra}
    )


def bearer(http: httpx.Client, email: str) -> dict[str, str]:
    response = login(http, email)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def forge(**overrides: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": "framework-m",
        "aud": "framework-m",
        "sub": "admin@example.com",
        "sid": "x",
        "roles": ["Administrator"],
        "iat": now,
        "exp": now + 60,
    }
    key = str(overrides.pop("key", SECRET))
    algorithm = str(overrides.pop("alg", "HS256"))
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm=algorithm)
