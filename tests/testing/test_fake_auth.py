"""FakeExchange's signature checks against the SDK's independently written Signer."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import pytest

from bpx_async.signing import Signer
from bpx_async.testing import FakeExchange

# REFERENCE 2.8 test-vector key pair.
VECTOR_SECRET = "TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams="
VECTOR_KEY = "5+yQgwU0ZdJ/9s+GXfuPFfo7yQQpl9CgvQedJXne30o="

Reply = tuple[int, str, str]  # status, content type, body text


@pytest.fixture
def signer(fx: FakeExchange) -> Signer:
    _, secret = fx.add_account({"USDC": "100000", "SOL": "100"})
    return Signer.from_secret(secret)


async def send(
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    headers: Mapping[str, str],
    *,
    query: Sequence[tuple[str, str]] = (),
    body: Any = None,
    raw_body: bytes | None = None,
) -> Reply:
    data = raw_body
    all_headers = dict(headers)
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    async with http.request(
        method, path, params=list(query), data=data, headers=all_headers
    ) as response:
        return response.status, response.content_type, await response.text()


async def signed(
    http: aiohttp.ClientSession,
    fx: FakeExchange,
    signer: Signer,
    method: str,
    path: str,
    instruction: str,
    *,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
) -> Reply:
    params = body if body is not None else query
    headers = signer.sign(instruction, params, timestamp=fx.now_ms(), window=5000)
    pairs: list[tuple[str, str]] = []
    for key, value in (query or {}).items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((key, str(item)) for item in values)
    return await send(http, method, path, headers, query=pairs, body=body)


def error_of(reply: Reply) -> dict[str, Any]:
    status, content_type, text = reply
    assert content_type == "application/json", (status, text)
    payload: dict[str, Any] = json.loads(text)
    return payload


LIMIT_BID = {
    "symbol": "SOL_USDC",
    "side": "Bid",
    "orderType": "Limit",
    "price": "140.00",
    "quantity": "1.00",
    "timeInForce": "GTC",
    "postOnly": True,
    "clientId": 11,
}


async def test_every_served_private_operation_accepts_a_correct_signature(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    placed = await signed(http, fx, signer, "POST", "/api/v1/order", "orderExecute", body=LIMIT_BID)
    assert placed[0] == 200, placed
    order_id = json.loads(placed[2])["id"]
    second = {**LIMIT_BID, "clientId": 12, "price": "139.00"}
    calls: list[tuple[str, str, str, dict[str, Any] | None, Any]] = [
        ("GET", "/api/v1/account", "accountQuery", None, None),
        ("PATCH", "/api/v1/account", "accountUpdate", None, {"autoLend": True}),
        ("GET", "/api/v1/capital", "balanceQuery", None, None),
        ("GET", "/api/v1/capital/collateral", "collateralQuery", None, None),
        ("POST", "/api/v1/orders", "orderExecute", None, [second]),
        ("GET", "/api/v1/order", "orderQuery", {"symbol": "SOL_USDC", "orderId": order_id}, None),
        ("GET", "/api/v1/orders", "orderQueryAll", {"symbol": "SOL_USDC"}, None),
        ("GET", "/wapi/v1/history/fills", "fillHistoryQueryAll", {"limit": 10}, None),
        ("GET", "/wapi/v1/history/orders", "orderHistoryQueryAll", {"offset": 0}, None),
        ("GET", "/api/v1/position", "positionQuery", None, None),
        ("DELETE", "/api/v1/order", "orderCancel", None, {"symbol": "SOL_USDC", "clientId": 11}),
        ("DELETE", "/api/v1/orders", "orderCancelAll", None, {"symbol": "SOL_USDC"}),
    ]
    for method, path, instruction, query, body in calls:
        status, _, text = await signed(
            http, fx, signer, method, path, instruction, query=query, body=body
        )
        assert status == 200, (method, path, text)


async def test_repeated_query_keys_are_signed_as_repeated_pairs(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    reply = await signed(
        http,
        fx,
        signer,
        "GET",
        "/wapi/v1/history/orders",
        "orderHistoryQueryAll",
        query={"marketType": ["SPOT", "PERP"], "limit": 5},
    )
    assert reply[0] == 200, reply


async def test_nested_object_and_null_members_follow_the_signing_rules(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    withdrawal = {
        "address": "FakeAddress111",
        "blockchain": "Solana",
        "quantity": "1",
        "symbol": "USDC",
        "recipientInformation": {"withdrawal_address_id": 1},
    }
    headers = signer.sign("withdraw", withdrawal, timestamp=fx.now_ms(), window=5000)
    # A null member travels in the body but is left out of the signing string.
    reply = await send(
        http, "POST", "/wapi/v1/capital/withdrawals", headers, body={**withdrawal, "clientId": None}
    )
    # Authenticated, then refused because the fake does not model withdrawals.
    assert reply[0] == 400
    assert error_of(reply)["code"] == "NOT_IMPLEMENTED"


async def test_reference_test_vector_key_can_be_registered_by_api_key(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    api_key, secret = fx.add_account({"USDC": "5"}, api_key=VECTOR_KEY)
    assert (api_key, secret) == (VECTOR_KEY, "")
    vector_signer = Signer.from_secret(VECTOR_SECRET)
    status, _, text = await signed(
        http, fx, vector_signer, "GET", "/api/v1/capital", "balanceQuery"
    )
    assert status == 200
    assert json.loads(text)["USDC"]["available"] == "5"


async def test_batch_is_verified_with_one_instruction_per_item(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    batch = [
        {**LIMIT_BID, "clientId": 21, "price": "141.00"},
        {**LIMIT_BID, "clientId": 22, "price": "142.00", "postOnly": False},
    ]
    accepted = await signed(http, fx, signer, "POST", "/api/v1/orders", "orderExecute", body=batch)
    assert accepted[0] == 200
    assert [item["operation"] for item in json.loads(accepted[2])] == ["Ok", "Ok"]
    # Signing only the first item does not cover the whole batch.
    headers = signer.sign("orderExecute", batch[0], timestamp=fx.now_ms(), window=5000)
    rejected = await send(http, "POST", "/api/v1/orders", headers, body=batch)
    assert rejected[0] == 400
    assert error_of(rejected)["message"] == "Invalid signature"


async def test_a_parameter_changed_after_signing_is_rejected(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign("orderExecute", LIMIT_BID, timestamp=fx.now_ms(), window=5000)
    tampered = {**LIMIT_BID, "price": "141.00"}
    reply = await send(http, "POST", "/api/v1/order", headers, body=tampered)
    assert reply[0] == 400
    assert error_of(reply) == {"code": "INVALID_CLIENT_REQUEST", "message": "Invalid signature"}
    assert fx.engine.open_orders(signer.api_key) == []


async def test_a_changed_query_value_is_rejected(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign(
        "orderQueryAll", {"symbol": "SOL_USDC"}, timestamp=fx.now_ms(), window=5000
    )
    reply = await send(http, "GET", "/api/v1/orders", headers, query=[("symbol", "BTC_USDC")])
    assert reply[0] == 400
    assert error_of(reply)["message"] == "Invalid signature"


async def test_the_wrong_instruction_is_rejected(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign("accountQuery", None, timestamp=fx.now_ms(), window=5000)
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 400
    assert error_of(reply)["message"] == "Invalid signature"


async def test_a_signature_from_another_key_is_rejected(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    _, other_secret = fx.add_account()
    forged = Signer.from_secret(other_secret).sign(
        "balanceQuery", None, timestamp=fx.now_ms(), window=5000
    )
    reply = await send(http, "GET", "/api/v1/capital", {**forged, "X-API-Key": signer.api_key})
    assert reply[0] == 400
    assert error_of(reply)["message"] == "Invalid signature"


async def test_an_unknown_api_key_is_unauthorized(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    stranger = Signer.from_secret(VECTOR_SECRET)  # never registered with this exchange
    headers = stranger.sign("balanceQuery", None, timestamp=fx.now_ms(), window=5000)
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 401
    assert error_of(reply)["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize("missing", ["X-API-Key", "X-Signature", "X-Timestamp"])
async def test_a_missing_auth_header_is_unauthorized(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer, missing: str
) -> None:
    headers = signer.sign("balanceQuery", None, timestamp=fx.now_ms(), window=5000)
    del headers[missing]
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 401
    assert error_of(reply)["code"] == "UNAUTHORIZED"


async def test_an_omitted_window_header_means_5000(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign("balanceQuery", None, timestamp=fx.now_ms(), window=5000)
    del headers["X-Window"]
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 200


async def test_a_stale_timestamp_is_rejected_as_expired(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign("balanceQuery", None, timestamp=fx.now_ms() - 20_000, window=5000)
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 400
    assert error_of(reply) == {"code": "INVALID_CLIENT_REQUEST", "message": "Request has expired"}


async def test_a_window_above_60000_is_rejected(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    # The SDK signer refuses such a window, so sign the exact text by hand.
    timestamp = fx.now_ms()
    message = f"instruction=balanceQuery&timestamp={timestamp}&window=60001"
    headers = {
        "X-API-Key": signer.api_key,
        "X-Signature": signer.signature(message),
        "X-Timestamp": str(timestamp),
        "X-Window": "60001",
    }
    reply = await send(http, "GET", "/api/v1/capital", headers)
    assert reply[0] == 400
    assert error_of(reply)["code"] == "INVALID_CLIENT_REQUEST"


async def test_server_clock_offset_is_applied_to_freshness(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    fx.clock_offset_ms = 30_000
    local = int(time.time() * 1000)
    stale = await send(
        http,
        "GET",
        "/api/v1/capital",
        signer.sign("balanceQuery", None, timestamp=local, window=5000),
    )
    assert stale[0] == 400
    async with http.get("/api/v1/time") as response:
        server_now = int(await response.text())
    assert server_now - local >= 30_000 - 5_000
    synced = await send(
        http,
        "GET",
        "/api/v1/capital",
        signer.sign("balanceQuery", None, timestamp=server_now, window=5000),
    )
    assert synced[0] == 200


async def test_an_invalid_json_body_gets_a_plain_text_400(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    headers = signer.sign("orderExecute", None, timestamp=fx.now_ms(), window=5000)
    status, content_type, text = await send(
        http, "POST", "/api/v1/order", headers, raw_body=b'{"symbol": "SOL_USDC",'
    )
    assert (status, content_type) == (400, "text/plain")
    assert "parse request payload" in text


async def test_an_unserved_private_path_is_not_implemented_only_after_authentication(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    unsigned = await send(http, "GET", "/wapi/v1/capital/deposits", {})
    assert unsigned[0] == 401
    served = await signed(http, fx, signer, "GET", "/wapi/v1/capital/deposits", "depositQueryAll")
    # Never a 404, which a bot would take for "no such resource".
    assert served[0] == 400
    assert error_of(served)["code"] == "NOT_IMPLEMENTED"


async def test_engine_rejections_keep_their_status_and_error_body(
    fx: FakeExchange, http: aiohttp.ClientSession, signer: Signer
) -> None:
    too_fine = {**LIMIT_BID, "price": "140.001"}
    reply = await signed(http, fx, signer, "POST", "/api/v1/order", "orderExecute", body=too_fine)
    assert reply[0] == 400
    assert error_of(reply) == {"code": "INVALID_PRICE", "message": "Price decimal too long"}
