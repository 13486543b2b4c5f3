"""The other ways in, end to end (a real server, users made with the real ``m`` command, httpx as
client): API keys over HTTP in both headers and from the command line, revoked and unable to mint
keys; cookie sessions that need a CSRF token for unsafe methods and die on logout; and what is not a
way in: gateway headers when they are not enabled, unknown Authorization schemes, being a guest.
"""

from __future__ import annotations

import json

import httpx

from .auth_project import Project, bearer, login


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
