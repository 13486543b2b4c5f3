"""Signing in with a password, end to end (a real server, users made with the real ``m`` command,
httpx as client): the bearer token issued and ``/auth/me``, one answer for bad credentials, malformed
logins, token checks (alg none, other keys, issuer, audience, expiry), refresh rotation and logout,
password changes that end other sessions, and the login rate limit per account.
"""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from .auth_project import SECRET, Project, forge, login


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
