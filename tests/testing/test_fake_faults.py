"""FakeExchange fault injection: statuses, rate limits, delays, drops, malformed bodies."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bpx_async.testing import FakeExchange

PING = "/api/v1/ping"
STATUS = "/api/v1/status"


@pytest.fixture
async def fx() -> AsyncIterator[FakeExchange]:
    async with FakeExchange(seed_liquidity=False) as exchange:
        yield exchange


async def status_of(http: aiohttp.ClientSession, path: str, method: str = "GET") -> int:
    async with http.request(method, path) as response:
        await response.read()
        return response.status


async def test_rate_limit_answers_429_with_retry_after_and_backpack_error_body(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("rate_limit", retry_after=3)
    async with http.get(PING) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"
        assert await response.json() == {
            "code": "TOO_MANY_REQUESTS",
            "message": "Too many requests",
        }
    assert await status_of(http, PING) == 200


@pytest.mark.parametrize(("status", "code"), [(500, "SERVER_ERROR"), (503, "MAINTENANCE")])
async def test_status_fault_answers_that_status_with_an_error_body(
    fx: FakeExchange, http: aiohttp.ClientSession, status: int, code: str
) -> None:
    fx.faults.add("status", status=status)
    async with http.get(STATUS) as response:
        assert response.status == status
        assert (await response.json())["code"] == code


async def test_status_fault_can_send_a_custom_plain_text_body(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("status", status=502, body="<html>Bad gateway</html>")
    async with http.get(STATUS) as response:
        assert response.status == 502
        assert response.content_type == "text/plain"
        assert await response.text() == "<html>Bad gateway</html>"


async def test_a_fault_applies_only_to_the_next_n_matching_requests(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    rule = fx.faults.add("status", status=503, times=2, path=STATUS)
    assert await status_of(http, PING) == 200  # other paths are untouched
    assert [await status_of(http, STATUS) for _ in range(3)] == [503, 503, 200]
    assert rule.hits == 2
    assert rule.remaining == 0
    assert fx.faults.rules == ()


async def test_a_fault_can_match_by_method_and_path_pattern(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("status", status=500, times=None, path="/api/v1/mark*", method="get")
    assert await status_of(http, "/api/v1/markets") == 500
    assert await status_of(http, "/api/v1/markPrices") == 500
    assert await status_of(http, "/api/v1/assets") == 200
    assert await status_of(http, "/api/v1/markets", method="POST") != 500


async def test_forever_rules_stay_until_cleared(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("status", status=500, times=None)
    assert [await status_of(http, PING) for _ in range(3)] == [500, 500, 500]
    fx.faults.clear()
    assert await status_of(http, PING) == 200


async def test_delay_holds_the_response_then_serves_it_normally(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("delay", seconds=30, path=PING)
    request = asyncio.ensure_future(status_of(http, PING))
    done, _ = await asyncio.wait({request}, timeout=0.2)
    assert not done  # still held by the delay
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    fx.faults.add("delay", seconds=0.01, path=PING)
    async with http.get(PING) as response:
        assert response.status == 200
        assert await response.text() == "pong"


async def test_drop_closes_the_connection_without_a_response(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("drop", path=STATUS, method="POST")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(STATUS) as response:
            await response.read()
    assert fx.requests[-1].method == "POST"  # the dropped request was still received


async def test_malformed_answers_200_with_a_body_that_is_not_json(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("malformed", path="/api/v1/markets")
    async with http.get("/api/v1/markets") as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        text = await response.text()
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    async with http.get("/api/v1/markets") as response:
        assert isinstance(await response.json(), list)


async def test_faults_fire_before_authentication(
    fx: FakeExchange, http: aiohttp.ClientSession
) -> None:
    fx.faults.add("rate_limit", path="/api/v1/capital")
    assert await status_of(http, "/api/v1/capital") == 429
    assert await status_of(http, "/api/v1/capital") == 401


def test_bad_fault_definitions_are_refused(fx: FakeExchange) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        fx.faults.add("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="times"):
        fx.faults.add("drop", times=0)
