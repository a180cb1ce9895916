"""The limit/offset walk behind every iter_* method: which pages it asks for, when it stops,
and that bad arguments are refused before any request is sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import pytest
from support import BASE, assert_signed, sent_requests

from bpx_async import AsyncClient
from bpx_async.errors import RequestValidationError, ServerError
from bpx_async.resources._paging import paginate

FILLS = "/wapi/v1/history/fills"


class FakePages:
    """Serves ``total`` numbered rows by (limit, offset) and records every call."""

    def __init__(self, total: int, *, overfill: int = 0) -> None:
        self.rows = list(range(total))
        self.calls: list[tuple[int, int]] = []
        self.overfill = overfill  # extra rows a server that ignores ``limit`` would send

    async def __call__(self, limit: int, offset: int) -> Sequence[int]:
        self.calls.append((limit, offset))
        return self.rows[offset : offset + limit + self.overfill]


async def _collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


# --- the walk itself -------------------------------------------------------------------------


async def test_three_full_pages_then_a_short_page_asks_for_each_offset_once() -> None:
    pages = FakePages(3 * 4 + 2)
    rows = await _collect(paginate(pages, page_size=4))
    assert pages.calls == [(4, 0), (4, 4), (4, 8), (4, 12)]
    assert rows == list(range(14))


async def test_an_empty_first_page_stops_after_one_request() -> None:
    pages = FakePages(0)
    assert await _collect(paginate(pages, page_size=5)) == []
    assert pages.calls == [(5, 0)]


async def test_a_full_last_page_is_confirmed_by_one_empty_page() -> None:
    pages = FakePages(6)
    rows = await _collect(paginate(pages, page_size=3))
    assert pages.calls == [(3, 0), (3, 3), (3, 6)]
    assert rows == list(range(6))


async def test_walk_starts_at_the_given_offset() -> None:
    pages = FakePages(10)
    rows = await _collect(paginate(pages, page_size=4, start_offset=5))
    assert pages.calls == [(4, 5), (4, 9)]
    assert rows == [5, 6, 7, 8, 9]


async def test_max_items_stops_early_and_asks_only_for_what_is_still_needed() -> None:
    pages = FakePages(100)
    rows = await _collect(paginate(pages, page_size=4, max_items=10))
    assert pages.calls == [(4, 0), (4, 4), (2, 8)]
    assert rows == list(range(10))


async def test_max_items_larger_than_the_data_ends_at_the_short_page() -> None:
    pages = FakePages(5)
    rows = await _collect(paginate(pages, page_size=4, max_items=50))
    assert pages.calls == [(4, 0), (4, 4)]
    assert rows == list(range(5))


async def test_a_server_sending_more_than_the_limit_never_exceeds_max_items() -> None:
    pages = FakePages(100, overfill=3)
    rows = await _collect(paginate(pages, page_size=4, max_items=6))
    assert rows == list(range(6))
    # The first page returned 7 rows, so the next offset skips past all of them.
    assert pages.calls == [(4, 0)]


async def test_a_server_sending_more_than_the_limit_advances_by_what_it_sent() -> None:
    pages = FakePages(12, overfill=1)
    rows = await _collect(paginate(pages, page_size=4))
    assert pages.calls == [(4, 0), (4, 5), (4, 10)]
    assert rows == list(range(12))


async def test_stopping_early_requests_no_further_pages() -> None:
    pages = FakePages(100)
    seen = []
    async for row in paginate(pages, page_size=4):
        seen.append(row)
        if row == 5:
            break
    assert seen == list(range(6))
    assert pages.calls == [(4, 0), (4, 4)]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"page_size": 0}, "page_size below 1"),
        ({"page_size": 1001}, "page_size above 1000"),
        ({"page_size": True}, "bool page_size"),
        ({"page_size": "100"}, "text page_size"),
        ({"page_size": 10.0}, "float page_size"),
        ({"start_offset": -1}, "negative offset"),
        ({"max_items": 0}, "max_items below 1"),
        ({"max_items": 2.5}, "float max_items"),
    ],
)
def test_bad_arguments_raise_when_the_iterator_is_created(
    kwargs: dict[str, Any], reason: str
) -> None:
    pages = FakePages(10)
    with pytest.raises(RequestValidationError):
        paginate(pages, **kwargs)
    assert pages.calls == [], reason


async def test_page_size_bounds_are_inclusive() -> None:
    small, large = FakePages(2), FakePages(2)
    assert await _collect(paginate(small, page_size=1)) == [0, 1]
    assert await _collect(paginate(large, page_size=1000)) == [0, 1]
    assert small.calls == [(1, 0), (1, 1), (1, 2)]
    assert large.calls == [(1000, 0)]


# --- through the client ----------------------------------------------------------------------


def _fills_url(**query: Any) -> str:
    return f"{BASE}{FILLS}?{urlencode(sorted(query.items()))}"


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


async def test_iter_fills_walks_three_full_pages_and_a_short_one_in_order(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    size = 3
    for page in range(3):
        mock_api.get(
            _fills_url(symbol="SOL_USDC", limit=size, offset=page * size),
            payload=[_fill(page * size + i) for i in range(size)],
        )
    mock_api.get(_fills_url(symbol="SOL_USDC", limit=size, offset=3 * size), payload=[_fill(9)])
    fills = [f async for f in signed_client.history.iter_fills(symbol="SOL_USDC", page_size=3)]
    assert [f.order_id for f in fills] == [str(n) for n in range(10)]
    requests = sent_requests(mock_api)
    assert [dict(r.query)["offset"] for r in requests] == ["0", "3", "6", "9"]
    for request in requests:
        assert request.method == "GET" and request.path == FILLS
        assert sorted(request.query) == sorted(
            [("symbol", "SOL_USDC"), ("limit", "3"), ("offset", dict(request.query)["offset"])]
        )
        assert_signed(request, "fillHistoryQueryAll")


async def test_iter_fills_with_an_empty_first_page_sends_one_request(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(limit=100, offset=0), payload=[])
    assert [f async for f in signed_client.history.iter_fills()] == []
    assert len(sent_requests(mock_api)) == 1


async def test_iter_fills_after_a_full_last_page_stops_at_the_empty_page(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(limit=2, offset=0), payload=[_fill(0), _fill(1)])
    mock_api.get(_fills_url(limit=2, offset=2), payload=[_fill(2), _fill(3)])
    mock_api.get(_fills_url(limit=2, offset=4), payload=[])
    fills = [f async for f in signed_client.history.iter_fills(page_size=2)]
    assert [f.order_id for f in fills] == ["0", "1", "2", "3"]
    assert [dict(r.query)["offset"] for r in sent_requests(mock_api)] == ["0", "2", "4"]


async def test_iter_fills_max_items_shrinks_the_last_request(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    mock_api.get(_fills_url(limit=2, offset=0), payload=[_fill(0), _fill(1)])
    mock_api.get(_fills_url(limit=1, offset=2), payload=[_fill(2)])
    fills = [f async for f in signed_client.history.iter_fills(page_size=2, max_items=3)]
    assert [f.order_id for f in fills] == ["0", "1", "2"]
    assert len(sent_requests(mock_api)) == 2


@pytest.mark.parametrize("page_size", [0, 1001, -5])
async def test_iter_fills_rejects_page_size_out_of_range_before_sending(
    mock_api: Any, signed_client: AsyncClient, page_size: int
) -> None:
    with pytest.raises(RequestValidationError):
        signed_client.history.iter_fills(page_size=page_size)
    assert sent_requests(mock_api) == []


async def test_iter_fills_rejects_bad_filters_on_first_step_before_sending(
    mock_api: Any, signed_client: AsyncClient
) -> None:
    iterator = signed_client.history.iter_fills(market_type=["NOT_A_MARKET"])
    with pytest.raises(RequestValidationError):
        await iterator.__anext__()
    assert sent_requests(mock_api) == []


async def test_iter_fills_surfaces_an_error_on_a_later_page_after_earlier_rows(
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
        async for fill in signed_client.history.iter_fills(page_size=1):
            seen.append(fill.order_id)
    assert seen == ["0"]
