"""``[auth]`` settings: validated with the place that set a bad value, and the generated signing key."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from framework_m_core.composition import load_settings
from framework_m_core.errors import ConfigurationError
from framework_m_standard.identity import auth_config, signing_key
from framework_m_standard.identity.config import SECRET_FILE
from framework_m_standard.web.config import web_config


def test_a_bad_value_names_the_file_or_variable(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text('[auth]\nsecret_key = "short"\n')
    with pytest.raises(ConfigurationError, match=r"framework_config.toml.*invalid auth.secret_key"):
        auth_config(load_settings(config, env={}))
    config.write_text("")
    env = {"FRAMEWORK_M_AUTH__ACCESS_TOKEN_TTL": "5"}
    with pytest.raises(ConfigurationError, match="FRAMEWORK_M_AUTH__ACCESS_TOKEN_TTL"):
        auth_config(load_settings(config, env=env))
    with pytest.raises(ConfigurationError, match=r"invalid web\.max_body_size"):
        web_config(load_settings(config, env={"FRAMEWORK_M_WEB__MAX_BODY_SIZE": "1"}))


def test_cors_needs_explicit_origins(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text('[web]\ncors_origins = ["https://app.example.com", "*"]\n')
    with pytest.raises(ConfigurationError, match=r"'\*' is not an explicit http\(s\) origin"):
        web_config(load_settings(config, env={}))
    env = {"FRAMEWORK_M_WEB__CORS_ORIGINS": "https://a.example, http://localhost:5173"}
    assert web_config(load_settings(config, env=env)).cors_origins == [
        "https://a.example",
        "http://localhost:5173",
    ]


def test_the_configured_key_wins(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text(f'[auth]\nsecret_key = "{"k" * 40}"\n')
    settings = load_settings(config, env={})
    assert signing_key(settings, auth_config(settings)) == "k" * 40
    assert not (tmp_path / SECRET_FILE).exists()


def test_a_generated_key_is_private_stable_and_shared_by_concurrent_starts(tmp_path: Path) -> None:
    config = tmp_path / "framework_config.toml"
    config.write_text("")
    settings = load_settings(config, env={})
    auth = auth_config(settings)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: signing_key(settings, auth), range(16)))
    assert len(keys) == 1
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing_key(settings, auth) == keys.pop()
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret_key"]  # no temporary left
