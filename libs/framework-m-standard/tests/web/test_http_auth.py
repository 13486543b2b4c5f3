"""Authentication end to end: a real server, users made with the real ``m`` command, httpx as client.

Covers every strategy (bearer JWT, API key in both headers, cookie session with CSRF), token checks
(alg none, other keys, issuer, audience, expiry), refresh rotation, logout, login rate limits, gateway
headers being ignored when not enabled, disabling a user, and the share API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from framework_m_core.testing.projects import install_app
from framework_m_standard.web.testing import ServerProcess, free_port, uvicorn_command

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


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("auth")
    install_app(root, "memos_app", APP, app_name="memos")
    (root / "framework_config.toml").write_text(
        f'apps = ["memos"]\n[database]\nurl = "sqlite:///{root}/auth.sqlite3"\n'
        f'[auth]\nsecret_key = "{SECRET}"\nlogin_attempts_per_account = 3\n'
        "login_attempts_per_address = 50\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "FRAMEWORK_M_CONFIG": str(root / "framework_config.toml"),
    }
    port = free_port()
    project = Project(root, env, f"http://127.0.0.1:{port}")
    for email, role in (
        ("admin@example.com", "Administrator"),
        ("wes@example.com", "Writer"),
        ("val@example.com", "Writer"),
    ):
        done = project.m(
            "user",
            "add",
            email,
            "--role",
            role,
            "--password-stdin",
            stdin="correct horse battery\n",
        )
        assert done.returncode == 0, done.stderr
    command = uvicorn_command(port)
    with ServerProcess(command, cwd=root, port=port, env=env):
        yield project


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


def test_password_login_issues_a_bearer_token(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = login(http, "Wes@Example.com")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        claims = jwt.decode(
            body["access_token"],
            SECRET,
            algorithms=["HS256"],
            audience="framework-m",
            issuer="framework-m",
        )
        assert claims["sub"] == "wes@example.com"
        assert claims["roles"] == ["Writer"]
        me = http.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.json() == {
            "user": "wes@example.com",
            "email": "wes@example.com",
            "full_name": "",
            "roles": ["Writer"],
            "auth": "bearer",
        }
        assert "password" not in me.text


@pytest.mark.parametrize(
    ("email", "password"),
    [("wes@example.com", "wrong password"), ("nobody@example.com", "correct horse battery")],
)
def test_bad_credentials_get_one_answer(project: Project, email: str, password: str) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = http.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["detail"] == "invalid email or password"


def test_malformed_login_is_400(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        assert http.post("/api/v1/auth/login", json={"email": "x"}).status_code == 400
        assert http.post("/api/v1/auth/login", content=b"{not json").status_code == 400
        bad_mode = login(http, "wes@example.com", mode="telepathy")
        assert bad_mode.status_code == 400
        # Every invalid field is named, not just the first.
        several = http.post("/api/v1/auth/login", json={"email": "", "password": 1, "mode": "x"})
        assert several.status_code == 400
        assert [e["loc"] for e in several.json()["errors"]] == [
            ["body", "email"],
            ["body", "password"],
            ["body", "mode"],
        ]


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (
            forge(key="another-key-that-is-also-long-enough-for-anything-0123456789abcdef"),
            "wrong key",
        ),
        (forge(alg="none", key=""), "alg none"),
        (forge(iss="someone-else"), "issuer"),
        (forge(aud="another-api"), "audience"),
        (forge(exp=int(time.time()) - 120), "expired"),
        (forge(alg="HS512"), "other algorithm"),
        ("not.a.jwt", "garbage"),
    ],
)
def test_forged_or_stale_tokens_are_refused(project: Project, token: str, reason: str) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = http.get("/api/v1/Memo", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, reason
        assert response.json()["code"] == "unauthenticated"


def test_a_token_signed_with_our_key_is_accepted(project: Project) -> None:
    """The counterpart of the refusals above: the same forging helper with the right inputs works."""
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = http.get("/api/v1/Memo", headers={"Authorization": f"Bearer {forge()}"})
        assert response.status_code == 200


def test_refresh_rotates_and_logout_revokes(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        first = login(http, "val@example.com").json()
        renewed = http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert renewed.status_code == 200, renewed.text
        second = renewed.json()
        assert second["refresh_token"] != first["refresh_token"]
        reused = http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reused.status_code == 401
        auth = {"Authorization": f"Bearer {second['access_token']}"}
        out = http.post(
            "/api/v1/auth/logout", headers=auth, json={"refresh_token": second["refresh_token"]}
        )
        assert out.status_code == 204
        again = http.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
        assert again.status_code == 401


def test_api_keys_via_http_both_headers_and_revocation(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        auth = bearer(http, "wes@example.com")
        created = http.post("/api/v1/auth/api-keys", json={"label": "ci"}, headers=auth)
        assert created.status_code == 201, created.text
        key = created.json()
        assert key["token"] == f"{key['key']}:{key['secret']}"
        for headers in ({"Authorization": f"token {key['token']}"}, {"X-API-Key": key["token"]}):
            me = http.get("/api/v1/auth/me", headers=headers)
            assert me.status_code == 200, me.text
            assert me.json()["user"] == "wes@example.com"
            assert me.json()["auth"] == "api_key"
        listed = http.get("/api/v1/auth/api-keys", headers=auth).json()["items"]
        assert [k["key"] for k in listed] == [key["key"]]
        assert "secret" not in listed[0]
        assert "digest" not in str(listed)
        wrong = http.get("/api/v1/auth/me", headers={"X-API-Key": f"{key['key']}:{'x' * 43}"})
        assert wrong.status_code == 401
        other = bearer(http, "val@example.com")
        assert http.delete(f"/api/v1/auth/api-keys/{key['key']}", headers=other).status_code == 404
        assert http.delete(f"/api/v1/auth/api-keys/{key['key']}", headers=auth).status_code == 204
        gone = http.get("/api/v1/auth/me", headers={"X-API-Key": key["token"]})
        assert gone.status_code == 401
        forbidden = http.post(
            "/api/v1/auth/api-keys", json={"user": "val@example.com"}, headers=auth
        )
        assert forbidden.status_code == 403


def test_api_keys_from_the_command_line(project: Project) -> None:
    created = project.m("apikey", "create", "val@example.com", "--label", "cron", "--json")
    assert created.returncode == 0, created.stderr
    token = json.loads(created.stdout)["token"]
    with httpx.Client(base_url=project.base, timeout=10) as http:
        assert http.get("/api/v1/auth/me", headers={"X-API-Key": token}).status_code == 200
        listed = project.m("apikey", "list", "val@example.com")
        assert token.split(":")[0] in listed.stdout
        assert token.split(":")[1] not in listed.stdout
        assert project.m("apikey", "revoke", token).returncode == 0
        assert http.get("/api/v1/auth/me", headers={"X-API-Key": token}).status_code == 401
    missing = project.m("apikey", "revoke", "no-such-key-at-all")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: no API key")


def test_cookie_session_needs_csrf_for_unsafe_methods(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = login(http, "wes@example.com", mode="cookie")
        assert response.status_code == 200, response.text
        cookies = response.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("fm_session="))
        assert "HttpOnly" in session
        assert "SameSite=lax" in session
        assert "access_token" not in response.json()
        csrf = response.json()["csrf_token"]
        assert http.get("/api/v1/auth/me").json()["auth"] == "session"
        refused = http.post("/api/v1/Memo", json={"title": "by cookie"})
        assert refused.status_code == 403
        assert refused.json()["reason"] == "csrf"
        wrong = http.post("/api/v1/Memo", json={"title": "x"}, headers={"X-CSRF-Token": "0" * 64})
        assert wrong.status_code == 403
        made = http.post(
            "/api/v1/Memo", json={"title": "by cookie"}, headers={"X-CSRF-Token": csrf}
        )
        assert made.status_code == 201, made.text
        assert http.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert "fm_session" not in http.cookies
    with httpx.Client(base_url=project.base, timeout=10) as replay:
        replay.cookies.set("fm_session", session.split(";")[0].split("=", 1)[1])
        assert replay.get("/api/v1/auth/me").status_code == 401


def test_gateway_headers_are_ignored_unless_enabled(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        spoofed = {"X-User-Id": "admin@example.com", "X-Roles": "Administrator"}
        assert http.get("/api/v1/Memo", headers=spoofed).status_code == 403
        assert http.get("/api/v1/auth/me", headers=spoofed).status_code == 401


def test_unknown_authorization_scheme_is_401(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        response = http.get("/api/v1/Memo", headers={"Authorization": "Basic d2VzOnB3"})
        assert response.status_code == 401
        assert "unsupported Authorization scheme" in response.json()["detail"]


def test_guests_are_denied(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        assert http.get("/api/v1/Memo").status_code == 403
        assert http.post("/api/v1/Memo", json={"title": "x"}).status_code == 403
        assert http.get("/api/meta/Memo").status_code == 403
        assert http.get("/api/v1/User").status_code == 403


def test_users_are_admin_only_and_never_show_secrets(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        admin = bearer(http, "admin@example.com")
        users = http.get("/api/v1/User", headers=admin)
        assert users.status_code == 200
        assert users.json()["total"] >= 3
        assert "argon2" not in users.text
        meta = http.get("/api/meta/User", headers=admin).json()
        assert "password" not in str(meta)
        assert http.get("/api/v1/UserPassword", headers=admin).status_code == 404
        assert http.get("/api/v1/User", headers=bearer(http, "wes@example.com")).status_code == 403


def test_change_password_and_rate_limit(project: Project) -> None:
    done = project.m(
        "user",
        "add",
        "rita@example.com",
        "--role",
        "Writer",
        "--password-stdin",
        stdin="first password\n",
    )
    assert done.returncode == 0, done.stderr
    with httpx.Client(base_url=project.base, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/login", json={"email": "rita@example.com", "password": "first password"}
        )
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        short = http.post(
            "/api/v1/auth/password",
            headers=auth,
            json={"current_password": "first password", "new_password": "short"},
        )
        assert short.status_code == 422
        changed = http.post(
            "/api/v1/auth/password",
            headers=auth,
            json={"current_password": "first password", "new_password": "second password"},
        )
        assert changed.status_code == 204
        for _ in range(3):
            failed = http.post(
                "/api/v1/auth/login", json={"email": "rita@example.com", "password": "guess"}
            )
            assert failed.status_code == 401
        limited = http.post(
            "/api/v1/auth/login", json={"email": "rita@example.com", "password": "second password"}
        )
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert limited.json()["code"] == "rate_limited"


def test_disabling_a_user_stops_keys_and_logins(project: Project) -> None:
    assert (
        project.m(
            "user",
            "add",
            "dan@example.com",
            "--role",
            "Writer",
            "--password-stdin",
            stdin="dans password\n",
        ).returncode
        == 0
    )
    key = project.m("apikey", "create", "dan@example.com").stdout.split(": ")[1].split()[0]
    with httpx.Client(base_url=project.base, timeout=10) as http:
        assert http.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 200
        assert project.m("user", "disable", "dan@example.com").returncode == 0
        assert http.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 401
        response = http.post(
            "/api/v1/auth/login", json={"email": "dan@example.com", "password": "dans password"}
        )
        assert response.status_code == 401


def test_user_commands_validate_input(project: Project) -> None:
    duplicate = project.m("user", "add", "wes@example.com", "--password-stdin", stdin="x" * 12)
    assert duplicate.returncode == 1
    assert duplicate.stderr.startswith("error:")
    unknown_role = project.m("user", "add-role", "wes@example.com", "Astronaut")
    assert unknown_role.returncode == 1
    assert "unknown roles ['Astronaut']" in unknown_role.stderr
    weak = project.m("user", "add", "new@example.com", "--password-stdin", stdin="abc\n")
    assert weak.returncode == 1
    listed = project.m("user", "list", "--json")
    assert "new@example.com" not in listed.stdout  # a refused password leaves no user behind
    assert project.m("user", "add-role", "wes@example.com", "Astronaut", "--create").returncode == 0
    assert "Astronaut" in project.m("user", "list").stdout
    assert project.m("user", "disable", "ghost@example.com").returncode == 1


def test_share_api(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        wes, val = bearer(http, "wes@example.com"), bearer(http, "val@example.com")
        memo = http.post("/api/v1/Memo", json={"title": "private"}, headers=wes).json()
        assert http.get(f"/api/v1/Memo/{memo['id']}", headers=val).status_code == 404
        assert (
            http.post("/api/v1/rpc/Memo/shout", json={"id": memo["id"]}, headers=val).status_code
            == 404
        )

        def share(headers: dict[str, str], user: str, *actions: str) -> httpx.Response:
            body: dict[str, Any] = {"doctype": "Memo", "document": memo["id"], "user": user}
            if actions:
                body["actions"] = list(actions)
            return http.post("/api/v1/share", headers=headers, json=body)

        denied = share(val, "dan@example.com")
        assert denied.status_code == 404
        to_self = share(wes, "wes@example.com", "read", "write")
        assert to_self.status_code == 422
        beyond = share(wes, "val@example.com", "delete")
        assert beyond.status_code == 403
        shared = share(wes, "val@example.com", "read")
        assert shared.status_code == 201, shared.text
        assert http.get(f"/api/v1/Memo/{memo['id']}", headers=val).status_code == 200
        called = http.post("/api/v1/rpc/Memo/shout", json={"id": memo["id"]}, headers=val)
        assert called.json() == {"result": "PRIVATE"}
        assert (
            http.patch(
                f"/api/v1/Memo/{memo['id']}", json={"title": "mine"}, headers=val
            ).status_code
            == 403
        )
        listed = http.get(f"/api/v1/Memo/{memo['id']}/shares", headers=wes)
        assert listed.status_code == 200
        assert [s["user"] for s in listed.json()["items"]] == ["val@example.com"]
        assert http.get(f"/api/v1/Memo/{memo['id']}/shares", headers=val).status_code == 403
        bad = share(wes, "x", "fly")
        assert bad.status_code == 400
        share_id = shared.json()["id"]
        assert http.delete(f"/api/v1/share/{share_id}", headers=val).status_code in (403, 404)
        assert http.delete(f"/api/v1/share/{share_id}", headers=wes).status_code == 204
        assert http.get(f"/api/v1/Memo/{memo['id']}", headers=val).status_code == 404
        assert http.delete(f"/api/v1/share/{share_id}", headers=wes).status_code == 404


def test_spelling_variants_of_an_email_share_one_limit(project: Project) -> None:
    assert (
        project.m(
            "user",
            "add",
            "lim@example.com",
            "--role",
            "Writer",
            "--password-stdin",
            stdin="lims password\n",
        ).returncode
        == 0
    )
    with httpx.Client(base_url=project.base, timeout=10) as http:
        for variant in ("lim@example.com", " LIM@example.com", "lim@EXAMPLE.com\t"):
            failed = http.post("/api/v1/auth/login", json={"email": variant, "password": "nope"})
            assert failed.status_code == 401
        limited = http.post(
            "/api/v1/auth/login", json={"email": "lim@example.com", "password": "lims password"}
        )
        assert limited.status_code == 429


def test_a_password_change_ends_other_sessions(project: Project) -> None:
    assert (
        project.m(
            "user",
            "add",
            "pat@example.com",
            "--role",
            "Writer",
            "--password-stdin",
            stdin="pats first password\n",
        ).returncode
        == 0
    )
    with httpx.Client(base_url=project.base, timeout=10) as http:
        stolen = http.post(
            "/api/v1/auth/login",
            json={"email": "pat@example.com", "password": "pats first password"},
        ).json()
        mine = http.post(
            "/api/v1/auth/login",
            json={"email": "pat@example.com", "password": "pats first password"},
        ).json()
        changed = http.post(
            "/api/v1/auth/password",
            headers={"Authorization": f"Bearer {mine['access_token']}"},
            json={"current_password": "pats first password", "new_password": "pats new password"},
        )
        assert changed.status_code == 204
        thief = http.post("/api/v1/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
        assert thief.status_code == 401
        kept = http.post("/api/v1/auth/refresh", json={"refresh_token": mine["refresh_token"]})
        assert kept.status_code == 200


def test_an_api_key_cannot_mint_keys(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        key = http.post("/api/v1/auth/api-keys", json={}, headers=bearer(http, "val@example.com"))
        minted = http.post(
            "/api/v1/auth/api-keys", json={}, headers={"X-API-Key": key.json()["token"]}
        )
        assert minted.status_code == 403


def test_hostile_csrf_header_and_dead_cookies(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        assert login(http, "val@example.com", mode="cookie").status_code == 200
        odd = http.post(
            "/api/v1/Memo",
            json={"title": "x"},
            headers={"X-CSRF-Token": "\u00e9t\u00e9".encode()},
        )
        assert odd.status_code == 403
    with httpx.Client(base_url=project.base, timeout=10) as http:
        http.cookies.set("fm_session", "a-session-token-that-does-not-exist")
        dead = http.get("/api/v1/auth/me")
        assert dead.status_code == 401
        assert any(
            c.startswith("fm_session=") and "Max-Age=0" in c
            for c in dead.headers.get_list("set-cookie")
        )


def test_user_records_guard_identity_fields(project: Project) -> None:
    with httpx.Client(base_url=project.base, timeout=10) as http:
        admin = bearer(http, "admin@example.com")
        wes = http.get("/api/v1/User/wes@example.com", headers=admin).json()
        renamed = http.patch(
            f"/api/v1/User/{wes['id']}", headers=admin, json={"email": "someone.else@example.com"}
        )
        assert renamed.status_code == 422
        shared = http.post(
            "/api/v1/share",
            headers=admin,
            json={
                "doctype": "User",
                "document": wes["id"],
                "user": "wes@example.com",
                "actions": ["read", "write"],
            },
        )
        assert shared.status_code == 201, shared.text
        own = bearer(http, "wes@example.com")
        name = http.patch(f"/api/v1/User/{wes['id']}", headers=own, json={"full_name": "Wes"})
        assert name.status_code == 200, name.text
        escalate = http.patch(
            f"/api/v1/User/{wes['id']}", headers=own, json={"roles": [{"role": "Administrator"}]}
        )
        assert escalate.status_code == 403
        assert http.get("/api/v1/auth/me", headers=bearer(http, "wes@example.com")).json()[
            "roles"
        ] == ["Astronaut", "Writer"]  # unchanged (Astronaut came from an earlier test)
        val = http.get("/api/v1/User/val@example.com", headers=admin).json()
        session = http.post(
            "/api/v1/auth/login",
            json={"email": "val@example.com", "password": "correct horse battery"},
        ).json()
        disabled = http.patch(f"/api/v1/User/{val['id']}", headers=admin, json={"enabled": False})
        assert disabled.status_code == 200
        gone = http.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert gone.status_code == 401
        http.patch(f"/api/v1/User/{val['id']}", headers=admin, json={"enabled": True})
        still_gone = http.post(
            "/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}
        )
        assert still_gone.status_code == 401


def test_deleting_a_user_leaves_no_credential(project: Project) -> None:
    assert (
        project.m(
            "user",
            "add",
            "del@example.com",
            "--role",
            "Writer",
            "--password-stdin",
            stdin="dels password\n",
        ).returncode
        == 0
    )
    key = json.loads(project.m("apikey", "create", "del@example.com", "--json").stdout)["token"]
    with httpx.Client(base_url=project.base, timeout=10) as http:
        tokens = http.post(
            "/api/v1/auth/login", json={"email": "del@example.com", "password": "dels password"}
        ).json()
        admin = bearer(http, "admin@example.com")
        assert http.delete("/api/v1/User/del@example.com", headers=admin).status_code == 204
        assert http.get("/api/v1/auth/me", headers={"X-API-Key": key}).status_code == 401
        refresh = http.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refresh.status_code == 401
        again = http.post(
            "/api/v1/auth/login", json={"email": "del@example.com", "password": "dels password"}
        )
        assert again.status_code == 401
    assert "del@example.com" not in project.m("apikey", "list").stdout
