"""Where the OpenAPI document comes from: a running application, or the project built in-process.

Built in-process, the document is the one ``m start`` would serve for the same configuration (the
app is constructed exactly as ``m routes`` does, without starting adapters or opening a database).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from framework_m_core.errors import FieldError, ValidationError

DOCUMENT_PATH = "/schema/openapi.json"


def _bad_url(url: str, message: str) -> ValidationError:
    return ValidationError(message, [FieldError(["--url"], message)])


def document_url(url: str) -> str:
    """``http://host:8000`` → ``http://host:8000/schema/openapi.json``; a URL that already names a
    ``.json`` document is used as it is."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _bad_url(
            url, f"--url must be an http(s) address such as http://127.0.0.1:8000, not {url!r}"
        )
    if parts.path.endswith(".json"):
        return url.strip()
    return url.strip().rstrip("/") + DOCUMENT_PATH


def fetch_document(url: str, *, timeout: float = 10.0) -> Any:
    """The parsed OpenAPI document at ``url`` (see ``document_url``); raises ValidationError when
    the server cannot be reached or does not answer with a JSON document."""
    target = document_url(url)
    request = urllib.request.Request(target, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise _bad_url(url, f"{target} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, OSError) and reason.strerror:
            reason = reason.strerror.lower()
        raise _bad_url(
            url,
            f"cannot read {target}: {reason} (is the application running? start it with m start)",
        ) from None
    try:
        return json.loads(raw)
    except ValueError:
        raise _bad_url(url, f"{target} did not answer with a JSON document") from None


def build_document() -> Any:
    """The OpenAPI document of the project found from the current directory, built in-process."""
    from litestar.serialization import encode_json

    from framework_m_standard.web.app import create_app

    app = create_app()
    # Encoded as the server encodes it (decimals in constraints included), then read back.
    return json.loads(encode_json(app.openapi_schema.to_schema()))
