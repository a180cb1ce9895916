"""The request fast path keeps every rule: generated clientIds, per-endpoint routes, the JSON body.

Offline: ``prepare`` sends nothing, and the rate limiter is exercised without a network.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bpx_async import AsyncClient, RequestValidationError, _pipeline
from bpx_async._pipeline import _dump_json
from bpx_async._ratelimit import RateLimiter
from bpx_async.endpoints import markets as market_endpoints
from bpx_async.endpoints import orders as order_endpoints
from bpx_async.models.orders import OrderExecuteRequest

_LIMIT_ORDER: dict[str, Any] = {
    "symbol": "SOL_USDC",
    "side": "Bid",
    "order_type": "Limit",
    "price": "150.25",
    "quantity": "1.5",
}


def _body(prepared: Any) -> dict[str, Any]:
    assert prepared.body is not None
    decoded: dict[str, Any] = json.loads(prepared.body)
    return decoded


async def test_an_order_without_client_id_gets_a_fresh_uint32_in_its_body_and_signed_params() -> (
    None
):
    async with AsyncClient() as client:
        first = client.prepare(order_endpoints.EXECUTE, dict(_LIMIT_ORDER))
        second = client.prepare(order_endpoints.EXECUTE, dict(_LIMIT_ORDER))
    ids = [_body(first)["clientId"], _body(second)["clientId"]]
    assert all(isinstance(i, int) and 1 <= i < 2**32 for i in ids)
    assert ids[0] != ids[1]  # a prepared order is never reused: each gets its own id
    assert first.signed_params["clientId"] == ids[0] and first.client_ids == (ids[0],)


async def test_the_callers_params_are_not_modified_when_a_client_id_is_generated() -> None:
    params = dict(_LIMIT_ORDER)
    async with AsyncClient() as client:
        client.prepare(order_endpoints.EXECUTE, params)
    assert params == _LIMIT_ORDER


@pytest.mark.parametrize("given", [{"client_id": 7}, {"clientId": 7}])
async def test_a_given_client_id_by_name_or_alias_is_kept(given: dict[str, int]) -> None:
    async with AsyncClient() as client:
        prepared = client.prepare(order_endpoints.EXECUTE, {**_LIMIT_ORDER, **given})
    assert _body(prepared)["clientId"] == 7 and prepared.client_ids == (7,)


@pytest.mark.parametrize(
    "params",
    [
        {**_LIMIT_ORDER, "client_id": None},
        OrderExecuteRequest.model_validate(_LIMIT_ORDER),
    ],
    ids=["explicit-None", "model"],
)
async def test_a_client_id_left_none_or_a_prebuilt_model_still_gets_one(params: Any) -> None:
    async with AsyncClient() as client:
        prepared = client.prepare(order_endpoints.EXECUTE, params)
    assert isinstance(_body(prepared)["clientId"], int)


async def test_each_order_of_a_batch_gets_its_own_client_id() -> None:
    async with AsyncClient() as client:
        prepared = client.prepare(order_endpoints.EXECUTE_BATCH, [_LIMIT_ORDER, _LIMIT_ORDER])
    ids = [item["clientId"] for item in json.loads(prepared.body or b"")]
    assert len(set(ids)) == 2 and prepared.client_ids == tuple(ids)


async def test_no_client_id_is_generated_when_turned_off() -> None:
    async with AsyncClient(auto_client_id=False) as client:
        prepared = client.prepare(order_endpoints.EXECUTE, dict(_LIMIT_ORDER))
    assert "clientId" not in _body(prepared) and prepared.client_ids == ()


async def test_an_invalid_order_is_refused_before_sending_even_with_a_generated_id() -> None:
    async with AsyncClient() as client:
        with pytest.raises(RequestValidationError, match="price"):
            client.prepare(order_endpoints.EXECUTE, {**_LIMIT_ORDER, "price": "-1"})


async def test_views_share_the_per_endpoint_routes_and_a_view_uses_the_same_url() -> None:
    async with AsyncClient(base_url="http://127.0.0.1:9") as client:
        view = client.with_options(timeout=2)
        prepared = view.prepare(order_endpoints.EXECUTE, dict(_LIMIT_ORDER))
        assert str(prepared.url) == "http://127.0.0.1:9/api/v1/order"
        assert view._pipeline.routes is client._pipeline.routes
        assert order_endpoints.EXECUTE in client._pipeline.routes


async def test_a_query_is_added_to_the_route_url_without_changing_it() -> None:
    async with AsyncClient(base_url="http://127.0.0.1:9") as client:
        depth = client.prepare(market_endpoints.DEPTH, {"symbol": "SOL_USDC", "limit": 5})
        route = client._pipeline.routes[market_endpoints.DEPTH]
    assert str(depth.url) == "http://127.0.0.1:9/api/v1/depth?limit=5&symbol=SOL_USDC"
    assert str(route.url) == "http://127.0.0.1:9/api/v1/depth"


@pytest.mark.parametrize(
    "value",
    ["a\nb", "é漢", "\u2028\u2029", "\x7f</script>", "\x00\x1f", '"\\', 2**64 - 1, -5, True, None],
)
def test_the_json_body_is_byte_for_byte_what_json_dumps_writes(value: Any) -> None:
    wire = {"k": value, "nested": {"list": [value, 1]}}
    expected = json.dumps(wire, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert _dump_json(wire) == expected


def test_a_lone_surrogate_in_a_body_fails_as_json_dumps_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        _dump_json({"symbol": "\ud83d"})


def test_the_limiters_no_wait_reservation_counts_against_the_right_budget() -> None:
    limiter = RateLimiter(standard=60, historical=60, standard_burst=1, historical_burst=1)
    assert limiter.reserve() == 0.0
    assert limiter.reserve() > 0.0  # the standard budget's next slot is a second away
    assert limiter.reserve(historical=True) == 0.0  # the historical budget is untouched


def test_a_generated_client_id_is_a_nonzero_uint32_and_a_zero_draw_is_redrawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    draws = iter([0, 0, 2**32 - 1])
    monkeypatch.setattr(_pipeline.random, "getrandbits", lambda bits: next(draws))
    assert _pipeline._new_client_id() == 2**32 - 1
    monkeypatch.undo()
    assert all(1 <= _pipeline._new_client_id() < 2**32 for _ in range(1000))
