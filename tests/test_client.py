"""AsyncClient: session lifecycle, credentials, the request pipeline and error mapping."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import Field
from support import API_KEY, BASE, SECRET, assert_signed, only_request, sent_requests

from bpx_async import (
    APIError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConnectionFailedError,
    CredentialsError,
    InsufficientFundsError,
    NotFoundError,
    RateLimitError,
    RedirectError,
    RequestExpiredError,
    RequestTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
)
from bpx_async.endpoints import Endpoint
from bpx_async.errors import api_error_from_response
from bpx_async.models._base import BpxModel, PositiveDecimalStr, RequestModel
from bpx_async.models.enums import Side


class _OrderBody(RequestModel):
    symbol: str = Field(min_length=1)
    side: Side
    quantity: PositiveDecimalStr
    post_only: bool | None = None


class _Ack(BpxModel):
    id: str


_SIGNED_POST: Endpoint[_Ack] = Endpoint(
    name="test.order",
    method="POST",
    path="/api/v1/order",
    instruction="orderExecute",
    request=_OrderBody,
    response=_Ack,
    auth="signed",
)
_PING = f"{BASE}/api/v1/ping"
_ORDER = f"{BASE}/api/v1/order"


# --- lifecycle ----------------------------------------------------------------------------


async def test_session_is_created_lazily_inside_the_loop_and_closed_on_exit() -> None:
    client = AsyncClient()
    assert client._pipeline.session.session is None
    async with client:
        session = client._pipeline.session.session
        assert session is not None and not session.closed
    assert session.closed
    assert client.closed


async def test_use_after_close_raises_a_clear_error() -> None:
    client = AsyncClient()
    await client.aclose()
    with pytest.raises(ClientClosedError, match="closed"):
        await client.system.ping()
    await client.aclose()  # closing twice is harmless


async def test_a_session_passed_in_is_used_and_not_closed(mock_api: Any) -> None:
    mock_api.get(_PING, body="pong")
    async with aiohttp.ClientSession() as session:
        async with AsyncClient(session=session) as client:
            assert await client.system.ping() == "pong"
        assert not session.closed


def test_constructing_a_client_outside_a_loop_opens_nothing() -> None:
    client = AsyncClient()
    assert client._pipeline.session.session is None
    del client
    gc.collect()  # an unclosed session here would be a ResourceWarning, an error in this suite


async def test_with_options_shares_the_session_and_overrides_timeout(mock_api: Any) -> None:
    mock_api.get(_PING, body="pong")
    async with AsyncClient() as client:
        fast = client.with_options(timeout=1.5, window=10_000)
        assert fast.timeout.total == 1.5 and fast.window == 10_000
        assert client.timeout.total == 10 and client.window == 5000
        assert await fast.system.ping() == "pong"
        assert fast._pipeline.session is client._pipeline.session
    assert fast.closed


# --- credentials --------------------------------------------------------------------------


def test_api_key_is_derived_when_omitted() -> None:
    assert AsyncClient(api_secret=SECRET).api_key == API_KEY


def test_mismatched_api_key_is_an_error_at_construction() -> None:
    other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    with pytest.raises(CredentialsError, match="does not belong"):
        AsyncClient(api_key=other, api_secret=SECRET)


def test_key_without_secret_is_an_error() -> None:
    with pytest.raises(CredentialsError, match="without api_secret"):
        AsyncClient(api_key=API_KEY)


def test_malformed_secret_error_does_not_echo_the_secret() -> None:
    bad = SECRET[:-4] + "!!!!"
    with pytest.raises(CredentialsError) as info:
        AsyncClient(api_secret=bad)
    assert bad not in str(info.value)


def test_repr_shows_the_public_key_and_never_the_secret() -> None:
    text = repr(AsyncClient(api_secret=SECRET))
    assert API_KEY in text and SECRET not in text


def test_from_env_reads_bpx_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BPX_API_SECRET", SECRET)
    monkeypatch.delenv("BPX_API_KEY", raising=False)
    assert AsyncClient.from_env().api_key == API_KEY


def test_from_env_reads_a_dotenv_file_with_the_guide_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("BPX_API_SECRET", "BPX_API_KEY", "SECRET_KEY", "PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text(f"PUBLIC_KEY={API_KEY}\nSECRET_KEY={SECRET}\n")
    client = AsyncClient.from_env(env, window=7000)
    assert client.api_key == API_KEY and client.window == 7000


def test_from_env_without_a_secret_explains_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BPX_API_SECRET", "BPX_API_KEY", "SECRET_KEY", "PUBLIC_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CredentialsError, match="BPX_API_SECRET"):
        AsyncClient.from_env()


async def test_signed_endpoint_without_keys_fails_before_sending(mock_api: Any) -> None:
    async with AsyncClient() as client:
        with pytest.raises(CredentialsError, match="signed"):
            await client.request(
                _SIGNED_POST, {"symbol": "SOL_USDC", "side": "Bid", "quantity": "1"}
            )
    assert sent_requests(mock_api) == []


@pytest.mark.parametrize("window", [0, 60_001])
def test_window_above_60000_is_rejected(window: int) -> None:
    with pytest.raises(ValueError, match="window"):
        AsyncClient(window=window)


def test_default_timeout_is_short_and_explicit() -> None:
    client = AsyncClient()
    assert client.timeout.total == 10
    assert AsyncClient(timeout=3).timeout.total == 3
    with pytest.raises(ValueError, match="timeout"):
        AsyncClient(timeout=0)


# --- pipeline -----------------------------------------------------------------------------


async def test_body_is_serialized_once_and_signed_exactly_as_sent(mock_api: Any) -> None:
    mock_api.post(_ORDER, payload={"id": "42"})
    now = iter([1_700_000_000_000, 1_700_000_000_500])
    async with AsyncClient(api_secret=SECRET, clock=lambda: next(now)) as client:
        ack = await client.request(
            _SIGNED_POST,
            {"symbol": "SOL_USDC", "side": "Bid", "quantity": "1.50", "post_only": True},
        )
    assert ack.id == "42"
    sent = only_request(mock_api)
    assert sent.raw_body == b'{"symbol":"SOL_USDC","side":"Bid","quantity":"1.50","postOnly":true}'
    assert sent.headers["Content-Type"] == "application/json; charset=utf-8"
    assert sent.headers["X-Timestamp"] == "1700000000000"
    assert assert_signed(sent, "orderExecute") == (
        "instruction=orderExecute&postOnly=true&quantity=1.50&side=Bid&symbol=SOL_USDC"
        "&timestamp=1700000000000&window=5000"
    )


async def test_timestamp_is_taken_per_request(mock_api: Any) -> None:
    mock_api.post(_ORDER, payload={"id": "1"}, repeat=True)
    ticks = iter([1_000, 2_000])
    async with AsyncClient(api_secret=SECRET, clock=lambda: next(ticks)) as client:
        for _ in range(2):
            await client.request(_SIGNED_POST, {"symbol": "S", "side": "Ask", "quantity": 1})
    stamps = [r.headers["X-Timestamp"] for r in sent_requests(mock_api)]
    assert stamps == ["1000", "2000"]


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"symbol": "SOL_USDC", "side": "Bid", "quantity": "-1"}, "quantity"),
        ({"symbol": "SOL_USDC", "side": "Buy", "quantity": "1"}, "side"),
        ({"side": "Bid", "quantity": "1"}, "symbol"),
        ({"symbol": "SOL_USDC", "side": "Bid", "quantity": 1.5}, "quantity"),
        ({"symbol": "SOL_USDC", "side": "Bid", "quantity": "1", "colour": "red"}, "colour"),
    ],
)
async def test_invalid_input_raises_before_anything_is_sent(
    mock_api: Any, signed_client: AsyncClient, params: dict[str, Any], where: str
) -> None:
    with pytest.raises(RequestValidationError, match=where):
        await signed_client.request(_SIGNED_POST, params)
    assert sent_requests(mock_api) == []


async def test_text_endpoints_return_text(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(_PING, body="pong")
    mock_api.get(f"{BASE}/api/v1/time", body="1700000000123")
    assert await client.system.ping() == "pong"
    assert await client.system.time() == 1_700_000_000_123


async def test_response_validation_error_keeps_the_raw_body(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(f"{BASE}/api/v1/status", body=b"<html>oops</html>")
    with pytest.raises(ResponseValidationError) as info:
        await client.system.status()
    assert info.value.body == b"<html>oops</html>"
    assert info.value.path == "/api/v1/status"


async def test_unknown_fields_nulls_and_new_enum_values_parse(
    mock_api: Any, client: AsyncClient
) -> None:
    mock_api.get(
        f"{BASE}/api/v1/status", payload={"status": "Degraded", "message": None, "new": [1]}
    )
    status = await client.system.status()
    assert status.status == "Degraded" and status.message is None


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "message"),
    [
        (
            400,
            b'{"code":"INVALID_CLIENT_REQUEST","message":"Invalid market"}',
            BadRequestError,
            "INVALID_CLIENT_REQUEST",
            "Invalid market",
        ),
        (
            400,
            b'Bad Request parse request payload error: failed to parse "MarketSymbol"',
            BadRequestError,
            None,
            'Bad Request parse request payload error: failed to parse "MarketSymbol"',
        ),
        (
            400,
            b'{"code":"INVALID_CLIENT_REQUEST","message":"Invalid signature"}',
            AuthenticationError,
            "INVALID_CLIENT_REQUEST",
            "Invalid signature",
        ),
        (
            400,
            b'{"code":"INSUFFICIENT_FUNDS","message":"Insufficient funds"}',
            InsufficientFundsError,
            "INSUFFICIENT_FUNDS",
            "Insufficient funds",
        ),
        (
            401,
            b'{"code":"UNAUTHORIZED","message":"Unauthorized"}',
            AuthenticationError,
            "UNAUTHORIZED",
            "Unauthorized",
        ),
        (
            404,
            b'{"code":"RESOURCE_NOT_FOUND","message":"Order not found"}',
            NotFoundError,
            "RESOURCE_NOT_FOUND",
            "Order not found",
        ),
        (
            429,
            b'{"code":"TOO_MANY_REQUESTS","message":"Rate limited"}',
            RateLimitError,
            "TOO_MANY_REQUESTS",
            "Rate limited",
        ),
        (500, b"Internal Server Error", ServerError, None, "Internal Server Error"),
        (
            503,
            b'{"code":"MAINTENANCE","message":"Down"}',
            ServiceUnavailableError,
            "MAINTENANCE",
            "Down",
        ),
        (418, b"", APIError, None, "HTTP 418"),
    ],
)
async def test_http_errors_raise_typed_exceptions(
    mock_api: Any,
    signed_client: AsyncClient,
    status: int,
    body: bytes,
    cls: type[APIError],
    code: str | None,
    message: str,
) -> None:
    mock_api.post(_ORDER, status=status, body=body, headers={"Retry-After": "2"})
    with pytest.raises(cls) as info:
        await signed_client.request(_SIGNED_POST, {"symbol": "S", "side": "Bid", "quantity": "1"})
    error = info.value
    assert type(error) is cls
    assert (error.status, error.code, error.message, error.body) == (status, code, message, body)
    assert (error.method, error.path) == ("POST", "/api/v1/order")
    assert SECRET not in str(error)


async def test_rate_limit_error_exposes_retry_after(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(_PING, status=429, body="slow down", headers={"Retry-After": "3"})
    with pytest.raises(RateLimitError) as info:
        await client.system.ping()
    assert info.value.retry_after == 3.0


async def test_connection_failure_raises_transport_error_and_posts_are_not_retried(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.post(_ORDER, exception=aiohttp.ClientConnectionError("reset"))
    with pytest.raises(ConnectionFailedError, match="reset"):
        await signed_client.request(_SIGNED_POST, {"symbol": "S", "side": "Bid", "quantity": "1"})
    assert len(sent_requests(mock_api)) == 1


async def test_timeout_raises_request_timeout_error(mock_api: Any, client: AsyncClient) -> None:
    mock_api.get(_PING, exception=asyncio.TimeoutError())
    with pytest.raises(RequestTimeoutError, match="no answer in time"):
        await client.system.ping()


def test_a_3xx_is_a_redirect_error_whatever_its_body_says() -> None:
    error = api_error_from_response(
        status=302,
        body=b'{"code":"MAINTENANCE","message":"elsewhere"}',
        method="GET",
        path="/api/v1/status",
        headers={"Location": "https://elsewhere.example/"},
    )
    assert type(error) is RedirectError and error.location == "https://elsewhere.example/"


def test_an_expired_request_is_a_request_expired_error() -> None:
    error = api_error_from_response(
        status=400,
        body=b'{"code":"INVALID_CLIENT_REQUEST","message":"Request has expired"}',
        method="POST",
        path="/api/v1/order",
    )
    assert type(error) is RequestExpiredError and isinstance(error, AuthenticationError)
    assert error.offset_ms is None
