"""Part 8: bounded messages, bodies and answers; strict decimals; typed errors for a missing batch
and for a client moved to another event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from faultkit import Origin

from bpx_async import (
    APIError,
    AsyncClient,
    EventLoopError,
    RequestValidationError,
    ResponseTooLargeError,
)
from bpx_async.errors import MAX_ERROR_BODY, MAX_MESSAGE_CHARS
from bpx_async.testing import FakeExchange


async def test_a_huge_error_page_gives_a_short_message_and_a_capped_body(
    fx: FakeExchange,
) -> None:
    page = "<html>" + "x" * (4 * 1024 * 1024) + "</html>"
    fx.faults.add("status", status=502, body=page, path="/api/v1/status")
    async with AsyncClient(base_url=fx.base_url, max_retries=0) as client:
        with pytest.raises(APIError) as info:
            await client.system.status()
    error = info.value
    assert error.status == 502
    assert len(str(error)) < MAX_MESSAGE_CHARS + 200 and "more characters" in str(error)
    assert len(error.body) == MAX_ERROR_BODY and error.body.startswith(b"<html>xxx")


async def test_an_answer_over_max_response_bytes_raises_instead_of_being_read(
    fx: FakeExchange,
) -> None:
    async with AsyncClient(base_url=fx.base_url, max_response_bytes=1000) as client:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes=1000"):
            await client.markets.list()  # announced by Content-Length
        assert await client.system.ping() == "pong"  # small answers still pass


async def test_a_chunked_answer_over_the_cap_stops_being_read(origin: Origin) -> None:
    async with AsyncClient(base_url=origin.url, max_response_bytes=10_000) as client:
        with pytest.raises(ResponseTooLargeError):
            await client.markets.list()


# Arabic-Indic and full-width digits (written as escapes): Unicode digits, not ASCII ones.
@pytest.mark.parametrize(
    "price",
    [
        "\u0661\u0660\u0660",
        "\uff11\uff10\uff10",
        " 100",
        "100 ",
        "100\n",
        "1" * 65,
        "1e3",
        "+1",
        "0x10",
        "1_000",
    ],
)
async def test_decimals_are_ascii_digits_sent_as_given_or_refused(
    fx: FakeExchange, secret: str, price: str
) -> None:
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RequestValidationError, match="price"):
            await client.orders.execute("SOL_USDC", "Bid", "Limit", price=price, quantity="1")
    assert list(fx.requests) == []


@pytest.mark.parametrize("orders", [None, {"symbol": "SOL_USDC"}, "orders", 3])
async def test_execute_batch_of_a_non_list_is_a_validation_error(
    fx: FakeExchange, secret: str, orders: Any
) -> None:
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RequestValidationError):
            await client.orders.execute_batch(orders)
    assert list(fx.requests) == []


def test_a_client_used_from_a_second_event_loop_says_so() -> None:
    client = AsyncClient(base_url="http://127.0.0.1:9")
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first.run_until_complete(client.__aenter__())
        with pytest.raises(EventLoopError, match="another event loop"):
            second.run_until_complete(client.system.ping())
        first.run_until_complete(client.aclose())
    finally:
        first.close()
        second.close()
