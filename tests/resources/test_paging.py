"""AsyncPager, the result of every history method: awaited it is one request for one page;
iterated it walks limit/offset pages (which pages it asks for, when it stops), and bad
arguments are refused before any request is sent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from support import BASE, assert_signed, sent_requests

from bpx_async import AsyncClient
from bpx_async.endpoints import history as ep
from bpx_async.errors import RequestValidationError, ServerError
from bpx_async.resources import AsyncPager
from bpx_async.testing import FakeExchange

FILLS = "/wapi/v1/history/fills"


class FakeClient:
    """Stands in for AsyncClient: serves ``total`` numbered rows by limit/offset and records
    the parameters of every request."""

    def __init__(self, total: int, *, overfill: int = 0) -> None:
        self.rows = list(range(total))
        self.calls: list[dict[str, Any]] = []
        self.overfill = overfill  # extra rows a server that ignores ``limit`` would send

    async def request(self, endpoint: Any, params: dict[str, Any]) -> list[int]:
        self.calls.append(dict(params))
        limit = params.get("limit") or 100
        offset = params.get("offset") or 0
        return self.rows[offset : offset + limit + self.overfill]

    def pager(self, **params: Any) -> AsyncPager[int]:
        return AsyncPager(self, ep.FILLS, params)  # type: ignore[arg-type]

    def walked(self) -> list[tuple[int, int]]:
        return [(call["limit"], call["offset"]) for call in self.calls]


async def _collect(pager: AsyncPager[Any]) -> list[Any]:
    return [item async for item in pager]


# --- awaited: one page ------------------------------------------------------------------------


async def test_awaiting_sends_one_request_with_exactly_the_given_parameters() -> None:
    client = FakeClient(10)
    page = await client.pager(symbol="SOL_USDC", limit=3, offset=4)
    assert page == [4, 5, 6]
    assert client.calls == [{"symbol": "SOL_USDC", "limit": 3, "offset": 4}]


async def test_awaiting_without_limit_or_offset_sends_neither() -> None:
    client = FakeClient(3)
    assert await client.pager(symbol="SOL_USDC") == [0, 1, 2]
    assert client.calls == [{"symbol": "SOL_USDC"}]


async def test_each_await_sends_its_own_request() -> None:
    client = FakeClient(3)
    pager = client.pager(limit=1)
    assert await pager == [0]
    assert await pager == [0]
    assert len(client.calls) == 2


# --- iterated: every page ---------------------------------------------------------------------


async def test_three_full_pages_then_a_short_page_asks_for_each_offset_once() -> None:
    client = FakeClient(3 * 4 + 2)
    rows = await _collect(client.pager(limit=4))
    assert client.walked() == [(4, 0), (4, 4), (4, 8), (4, 12)]
    assert rows == list(range(14))


async def test_an_empty_first_page_stops_after_one_request() -> None:
    client = FakeClient(0)
    assert await _collect(client.pager(limit=5)) == []
    assert client.walked() == [(5, 0)]


async def test_a_full_last_page_is_confirmed_by_one_empty_page() -> None:
    client = FakeClient(6)
    rows = await _collect(client.pager(limit=3))
    assert client.walked() == [(3, 0), (3, 3), (3, 6)]
    assert rows == list(range(6))


async def test_walk_starts_at_the_given_offset() -> None:
    client = FakeClient(10)
    rows = await _collect(client.pager(limit=4, offset=5))
    assert client.walked() == [(4, 5), (4, 9)]
    assert rows == [5, 6, 7, 8, 9]


async def test_walk_without_limit_asks_for_pages_of_100_from_offset_0() -> None:
    client = FakeClient(150)
    rows = await _collect(client.pager())
    assert client.walked() == [(100, 0), (100, 100)]
    assert rows == list(range(150))


async def test_walk_keeps_the_filters_on_every_page() -> None:
    client = FakeClient(5)
    await _collect(client.pager(symbol="SOL_USDC", sort_direction="Asc", limit=2))
    assert [call["symbol"] for call in client.calls] == ["SOL_USDC"] * 3
    assert {call["sort_direction"] for call in client.calls} == {"Asc"}


async def test_a_server_sending_more_than_the_limit_advances_by_what_it_sent() -> None:
    client = FakeClient(12, overfill=1)
    rows = await _collect(client.pager(limit=4))
    assert client.walked() == [(4, 0), (4, 5), (4, 10)]
    assert rows == list(range(12))


async def test_stopping_early_requests_no_further_pages() -> None:
    client = FakeClient(100)
    seen = []
    async for row in client.pager(limit=4):
        seen.append(row)
        if row == 5:
            break
    assert seen == list(range(6))
    assert client.walked() == [(4, 0), (4, 4)]


async def test_pages_yields_each_non_empty_page_as_answered() -> None:
    client = FakeClient(5)
    pages = [page async for page in client.pager(limit=2).pages()]
    assert pages == [[0, 1], [2, 3], [4]]


def test_repr_names_the_operation_and_no_parameters() -> None:
    text = repr(FakeClient(0).pager(symbol="SECRET_SYMBOL"))
    assert text == "<AsyncPager history.fills>"


# --- through the client ----------------------------------------------------------------------


def _fills_url(**query: Any) -> str:
    return f"{BASE}{FILLS}?{urlencode(sorted(query.items()))}" if query else f"{BASE}{FILLS}"


def _fill(n: int) -> dict[str, Any]:
    return {
        "symbol": "SOL_USDC",
        "orderId": str(n),
        "price": "170.50",
        "quantity": "0.10",
        "side": "Bid",
        "timestamp": "2025-07-27T17:39:00.092",
        "systemOrderType": None,
    }


async def test_awaited_fills_is_one_signed_request_for_one_page(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(symbol="SOL_USDC", limit=2), payload=[_fill(0), _fill(1)])
    fills = await signed_client.history.fills(symbol="SOL_USDC", limit=2)
    assert [f.order_id for f in fills] == ["0", "1"]
    (request,) = sent_requests(mock_api)
    assert sorted(request.query) == [("limit", "2"), ("symbol", "SOL_USDC")]
    assert_signed(request, "fillHistoryQueryAll")


async def test_iterated_fills_walks_three_full_pages_and_a_short_one_in_order(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    size = 3
    for page in range(3):
        mock_api.get(
            _fills_url(symbol="SOL_USDC", limit=size, offset=page * size),
            payload=[_fill(page * size + i) for i in range(size)],
        )
    mock_api.get(_fills_url(symbol="SOL_USDC", limit=size, offset=3 * size), payload=[_fill(9)])
    fills = [f async for f in signed_client.history.fills(symbol="SOL_USDC", limit=3)]
    assert [f.order_id for f in fills] == [str(n) for n in range(10)]
    requests = sent_requests(mock_api)
    assert [dict(r.query)["offset"] for r in requests] == ["0", "3", "6", "9"]
    for request in requests:
        assert request.method == "GET" and request.path == FILLS
        assert sorted(request.query) == sorted(
            [("symbol", "SOL_USDC"), ("limit", "3"), ("offset", dict(request.query)["offset"])]
        )
        assert_signed(request, "fillHistoryQueryAll")


async def test_iterated_fills_with_an_empty_first_page_sends_one_request(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(limit=100, offset=0), payload=[])
    assert [f async for f in signed_client.history.fills()] == []
    assert len(sent_requests(mock_api)) == 1


@pytest.mark.parametrize("limit", [0, 1001, -5])
async def test_fills_refuses_a_limit_out_of_range_before_sending_in_both_modes(
    mock_api: Any, signed_client: AsyncClient, limit: int
) -> None:
    with pytest.raises(RequestValidationError):
        await signed_client.history.fills(limit=limit)
    with pytest.raises(RequestValidationError):
        async for _ in signed_client.history.fills(limit=limit):
            pass
    assert sent_requests(mock_api) == []


async def test_iterated_fills_refuses_bad_filters_on_the_first_step_before_sending(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    iterator = aiter(signed_client.history.fills(market_type=["NOT_A_MARKET"]))
    with pytest.raises(RequestValidationError):
        await anext(iterator)
    assert sent_requests(mock_api) == []


async def test_iterated_fills_surfaces_an_error_on_a_later_page_after_earlier_rows(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(limit=1, offset=0), payload=[_fill(0)])
    mock_api.get(
        _fills_url(limit=1, offset=1),
        status=500,
        payload={"code": "SERVER_ERROR", "message": "boom"},
    )
    seen: list[str | None] = []
    with pytest.raises(ServerError):
        async for fill in signed_client.history.fills(limit=1):
            seen.append(fill.order_id)
    assert seen == ["0"]


def test_history_methods_refuse_unknown_and_positional_arguments_like_python(
    signed_client: AsyncClient,
) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'page_size'"):
        signed_client.history.fills(page_size=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="positional"):
        signed_client.history.fills("SOL_USDC")  # type: ignore[misc]


# --- over loopback HTTP against the FakeExchange (no aioresponses) -----------------------------


async def test_both_modes_against_the_fake_exchange_send_the_pages_they_promise(
    fx: FakeExchange,
) -> None:
    _, secret = fx.add_account({"USDC": "100000"})
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as trader:
        for _ in range(5):
            await trader.orders.execute("SOL_USDC", "Bid", "Market", quantity="0.10")
        fx.requests.clear()

        page = await trader.history.orders(symbol="SOL_USDC", limit=2, offset=1)
        walked = [o async for o in trader.history.orders(symbol="SOL_USDC", limit=2, offset=1)]

    assert len(page) == 2
    assert len(walked) == 4 and [o.id for o in walked[:2]] == [o.id for o in page]
    sent = [(r.query.get("limit"), r.query.get("offset")) for r in fx.requests]
    # One request when awaited; then pages from offset 1 until the short one (1 row at offset 5).
    assert sent == [("2", "1"), ("2", "1"), ("2", "3"), ("2", "5")]
