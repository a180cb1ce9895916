"""Helpers shared by the test modules: the REFERENCE 2.8 test key, what aioresponses captured,
a check that rebuilds the signing string from what was actually sent and verifies it, and a
loopback server for an aiohttp app (:func:`serving`).

The check is written from REFERENCE 2.3-2.5 independently of ``bpx_async.signing`` so that the two
check each other. (``tests`` is on ``pythonpath``, see pyproject.toml: ``from support import ...``.)
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SECRET = "TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams="
API_KEY = "5+yQgwU0ZdJ/9s+GXfuPFfo7yQQpl9CgvQedJXne30o="
TIMESTAMP = 1_700_000_000_000
BASE = "https://api.backpack.exchange"


@dataclass
class SentRequest:
    """One request as aioresponses captured it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    body: Any  # parsed JSON body, or None
    raw_body: bytes | None
    headers: dict[str, str]


def sent_requests(mock: Any) -> list[SentRequest]:
    """Every request the mock received, in order."""
    out: list[SentRequest] = []
    for (method, url), calls in mock.requests.items():
        for call in calls:
            kwargs = call.kwargs
            query = list(parse_qsl(url.query_string, keep_blank_values=True))
            raw = kwargs.get("data")
            out.append(
                SentRequest(
                    method=method,
                    path=url.path,
                    query=query,
                    body=json.loads(raw) if raw else None,
                    raw_body=raw,
                    headers=dict(kwargs.get("headers") or {}),
                )
            )
    return out


def only_request(mock: Any) -> SentRequest:
    """The single request the mock received (fails if there were none or several)."""
    requests = sent_requests(mock)
    assert len(requests) == 1, f"expected exactly one request, got {len(requests)}"
    return requests[0]


def _render(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _pairs(items: list[tuple[str, Any]]) -> str:
    kept = [(k, v) for k, v in items if v is not None]
    kept.sort(key=lambda kv: kv[0])
    return "&".join(f"{k}={_render(v)}" for k, v in kept)


def expected_signing_string(instruction: str, request: SentRequest) -> str:
    """The signing string REFERENCE 2.3/2.5 prescribes for what was actually sent."""
    ts, window = request.headers["X-Timestamp"], request.headers["X-Window"]
    if isinstance(request.body, list):
        parts = [
            f"instruction={instruction}" + (f"&{p}" if (p := _pairs(list(item.items()))) else "")
            for item in request.body
        ]
        return "&".join(parts) + f"&timestamp={ts}&window={window}"
    items: list[tuple[str, Any]] = (
        list(request.body.items()) if isinstance(request.body, dict) else list(request.query)
    )
    params = _pairs(items)
    return (
        f"instruction={instruction}"
        + (f"&{params}" if params else "")
        + (f"&timestamp={ts}&window={window}")
    )


def assert_signed(request: SentRequest, instruction: str, api_key: str = API_KEY) -> str:
    """Assert the request carries a valid signature over the prescribed string; return it."""
    assert request.headers["X-API-Key"] == api_key
    message = expected_signing_string(instruction, request)
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(api_key))
    public.verify(base64.b64decode(request.headers["X-Signature"]), message.encode())
    return message


def assert_unsigned(request: SentRequest) -> None:
    assert not any(h.lower().startswith("x-signature") for h in request.headers)
    assert not any(h.lower() == "x-api-key" for h in request.headers)


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) for the block: yields its ``http://`` base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
