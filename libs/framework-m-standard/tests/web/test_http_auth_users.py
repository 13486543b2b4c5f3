"""Users and shares over HTTP and ``m``, end to end (a real server, httpx as client): users are for
administrators and never show secrets, their identity fields are guarded, disabling or deleting one
ends every credential, ``m user`` validates its input, and the share API grants no more than the
sharer holds.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from .auth_project import Project, bearer


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
