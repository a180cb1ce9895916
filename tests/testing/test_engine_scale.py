"""Engine tests of the indexed (constant-cost) paths: paged history, order lookups, rolling
ticker statistics, and the bounded request log of the server."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from bpx_async.testing import FakeExchange
from bpx_async.testing._engine import MatchingEngine, OrderRequest

D = Decimal
SOL, BTC = "SOL_USDC", "BTC_USDC"
HOUR_US = 3_600 * 10**6


class Clock:
    """A settable engine clock (microseconds)."""

    def __init__(self) -> None:
        self.us = 1_700_000_000_000_000

    def __call__(self) -> int:
        self.us += 1_000  # one millisecond per engine call
        return self.us


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(clock: Clock) -> MatchingEngine:
    engine = MatchingEngine(now_us=clock)
    for account in ("alice", "bob"):
        engine.deposit(account, "USDC", D("1000000"))
        engine.deposit(account, "SOL", D("1000"))
        engine.deposit(account, "BTC", D("10"))
    return engine


def limit(side: str, quantity: str, price: str, symbol: str = SOL, **options: Any) -> OrderRequest:
    return OrderRequest(symbol, side, "Limit", quantity=D(quantity), price=D(price), **options)


def trade_a_little(engine: MatchingEngine) -> None:
    for n in range(6):
        engine.execute("alice", limit("Ask", "1", str(100 + n)))
        engine.execute("bob", limit("Bid", "1", str(100 + n)))
        engine.execute("alice", limit("Ask", "0.001", str(60000 + n), symbol=BTC))
        engine.execute("bob", limit("Bid", "0.001", str(60000 + n), symbol=BTC))
    engine.execute("alice", limit("Bid", "1", "90", client_id=7))


def test_history_pages_equal_slices_of_the_full_listing(engine: MatchingEngine) -> None:
    trade_a_little(engine)
    everything = engine.order_history("alice")
    sol_only = engine.order_history("alice", SOL)

    assert engine.order_history_page("alice", offset=2, limit=3) == (everything[2:5], 13)
    assert engine.order_history_page("alice", symbol=SOL, offset=0, limit=4) == (
        sol_only[:4],
        len(sol_only),
    )
    assert engine.order_history_page("alice", offset=0, limit=2, ascending=True) == (
        everything[::-1][:2],
        13,
    )
    spot, total = engine.order_history_page("alice", market_type="SPOT", offset=0, limit=100)
    assert (spot, total) == (everything, 13)
    assert engine.order_history_page("alice", market_type="PERP", offset=0, limit=100) == ([], 0)


def test_history_by_order_id_finds_only_the_accounts_own_order(engine: MatchingEngine) -> None:
    trade_a_little(engine)
    mine = engine.order_history("alice")[3]

    assert engine.order_history_page("alice", order_id=mine["id"]) == ([mine], 1)
    assert engine.order_history_page("bob", order_id=mine["id"]) == ([], 0)
    assert engine.order_history_page("alice", order_id=mine["id"], symbol="BTC_USDC_PERP") == (
        [],
        0,
    )


def test_fill_pages_by_order_and_by_time_equal_filtering_all_fills(
    engine: MatchingEngine, clock: Clock
) -> None:
    trade_a_little(engine)
    fills = engine.fills("bob")
    an_order = fills[4]["orderId"]

    rows, total = engine.fills_page("bob", order_id=an_order)
    assert (rows, total) == ([f for f in fills if f["orderId"] == an_order], 1)

    all_rows, _ = engine.fills_page("bob", limit=None)
    middle_ms = clock.us // 1000 - 12  # the fills of the last dozen engine calls
    recent, total = engine.fills_page("bob", since_ms=middle_ms, limit=None)
    assert recent == all_rows[: len(recent)] and 0 < total < len(all_rows)
    older, _ = engine.fills_page("bob", until_ms=middle_ms - 1, limit=None)
    assert recent + older == all_rows


def test_open_orders_and_client_ids_are_found_per_market(engine: MatchingEngine) -> None:
    for n in range(5):
        engine.execute("alice", limit("Bid", "1", str(50 + n), client_id=n))
        engine.execute("alice", limit("Bid", "0.001", str(50000 + n), symbol=BTC))

    assert len(engine.open_orders("alice", SOL)) == 5
    assert len(engine.open_orders("alice")) == 10
    assert engine.open_order_count("alice") == 10
    assert engine.get_open_order("alice", SOL, client_id=3)["price"] == "53.00"
    engine.cancel("alice", SOL, client_id=3)
    assert engine.open_order_count("alice") == 9
    # The client id is free again and can be reused at once.
    engine.execute("alice", limit("Bid", "1", "40", client_id=3))
    assert engine.get_open_order("alice", SOL, client_id=3)["price"] == "40.00"


def test_ticker_covers_a_true_rolling_24_hours(engine: MatchingEngine, clock: Clock) -> None:
    engine.execute("alice", limit("Ask", "2", "100"))
    engine.execute("bob", limit("Bid", "2", "100"))
    clock.us += 20 * HOUR_US
    engine.execute("alice", limit("Ask", "1", "120"))
    engine.execute("bob", limit("Bid", "1", "120"))

    day = engine.ticker(SOL)
    assert (day["firstPrice"], day["lastPrice"], day["high"], day["low"]) == (
        "100.00",
        "120.00",
        "120.00",
        "100.00",
    )
    assert (day["volume"], day["quoteVolume"], day["trades"]) == ("3.00", "320.0000", "2")

    clock.us += 5 * HOUR_US  # the first trade is now 25 hours old
    later = engine.ticker(SOL)
    assert (later["firstPrice"], later["low"], later["volume"], later["trades"]) == (
        "120.00",
        "120.00",
        "1.00",
        "1",
    )
    week = engine.ticker(SOL, "1w")
    assert (week["firstPrice"], week["trades"]) == ("100.00", "2")


def test_a_ticker_event_follows_every_operation_that_traded(engine: MatchingEngine) -> None:
    seen: list[tuple[str, str, dict[str, Any]]] = []
    engine.subscribe(lambda kind, key, payload: seen.append((kind, key, payload)))
    engine.execute("alice", limit("Ask", "2", "100"))
    assert not [event for event in seen if event[0] == "ticker"]

    engine.execute("bob", limit("Bid", "1.5", "100"))
    tickers = [payload for kind, key, payload in seen if kind == "ticker" and key == SOL]
    assert len(tickers) == 1
    assert {k: tickers[0][k] for k in ("e", "s", "o", "c", "h", "l", "v", "n")} == {
        "e": "ticker",
        "s": SOL,
        "o": "100.00",
        "c": "100.00",
        "h": "100.00",
        "l": "100.00",
        "v": "1.50",
        "n": 1,
    }
    assert "T" not in tickers[0]
    assert seen[-1][0] == "ticker"  # after the trade, depth and order events it sums up


async def test_the_request_log_keeps_only_the_latest_requests() -> None:
    async with FakeExchange(request_log_size=3) as fx, aiohttp.ClientSession(fx.base_url) as http:
        for path in ("/api/v1/ping", "/api/v1/time", "/api/v1/status", "/api/v1/markets"):
            async with http.get(path) as response:
                assert response.status == 200
        assert [r.path for r in fx.requests] == [
            "/api/v1/time",
            "/api/v1/status",
            "/api/v1/markets",
        ]

    with pytest.raises(ValueError, match="request_log_size"):
        FakeExchange(request_log_size=-1)
