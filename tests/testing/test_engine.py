"""Tests of the fake exchange's matching engine: matching rules, funds, events and conservation.

The engine is pure and synchronous, so every test drives it directly with a deterministic clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async.testing._engine import EngineError, MatchingEngine, OrderRequest
from bpx_async.testing._markets import DEFAULT_ASSETS, DEFAULT_MARKETS

SOL = "SOL_USDC"
D = Decimal
Event = tuple[str, str, dict[str, Any]]


def make_engine() -> MatchingEngine:
    clock = itertools.count(1_700_000_000_000_000, 1_000)
    return MatchingEngine(now_us=lambda: next(clock))


@pytest.fixture
def engine() -> MatchingEngine:
    return make_engine()


@pytest.fixture
def events(engine: MatchingEngine) -> list[Event]:
    seen: list[Event] = []
    engine.subscribe(lambda kind, key, payload: seen.append((kind, key, payload)))
    return seen


def limit(
    side: str, quantity: str, price: str, symbol: str = SOL, **options: Any
) -> OrderRequest:
    return OrderRequest(symbol, side, "Limit", quantity=D(quantity), price=D(price), **options)


def fund(engine: MatchingEngine, *accounts: str, usdc: str = "100000", sol: str = "1000") -> None:
    for account in accounts:
        engine.deposit(account, "USDC", D(usdc))
        engine.deposit(account, "SOL", D(sol))


def available(engine: MatchingEngine, account: str, asset: str) -> Decimal:
    return engine.balances(account)[asset]["available"]


def locked(engine: MatchingEngine, account: str, asset: str) -> Decimal:
    return engine.balances(account)[asset]["locked"]


def rejection(engine: MatchingEngine, account: str, request: OrderRequest) -> EngineError:
    with pytest.raises(EngineError) as caught:
        engine.execute(account, request)
    return caught.value


# ------------------------------------------------------------------------------ matching


def test_crossing_limit_orders_fill_at_maker_prices_in_price_then_time_priority(
    engine: MatchingEngine,
) -> None:
    fund(engine, "far", "first", "second", "taker")
    far = engine.execute("far", limit("Ask", "1", "101"))
    first = engine.execute("first", limit("Ask", "1", "100"))
    second = engine.execute("second", limit("Ask", "1", "100"))

    taker = engine.execute("taker", limit("Bid", "1.5", "102"))

    assert taker["status"] == "Filled"
    assert D(taker["executedQuoteQuantity"]) == D("150")
    fills = list(reversed(engine.fills("taker")))
    assert [(f["orderId"], f["price"], f["quantity"]) for f in fills] == [
        (taker["id"], "100.00", "1.00"),
        (taker["id"], "100.00", "0.50"),
    ]
    assert [f["orderId"] for f in engine.fills("first")] == [first["id"]]
    assert engine.get_open_order("second", SOL, order_id=second["id"])["executedQuantity"] == "0.50"
    assert engine.get_open_order("far", SOL, order_id=far["id"])["executedQuantity"] == "0.00"
    # Locked at the limit price 102 but traded at 100: the difference is back, nothing stays locked.
    assert locked(engine, "taker", "USDC") == 0
    assert available(engine, "taker", "USDC") == D("100000") - D("150")


def test_bid_locked_at_its_limit_is_refunded_the_price_improvement(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "2", "99.50"))
    engine.execute("taker", limit("Bid", "2", "100"))
    assert available(engine, "taker", "USDC") == D("100000") - D("199")
    assert locked(engine, "taker", "USDC") == 0


def test_partial_fill_rests_the_remainder_at_the_limit_price(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    taker = engine.execute("taker", limit("Bid", "3", "100"))

    assert taker["status"] == "PartiallyFilled"
    assert taker["executedQuantity"] == "1.00"
    assert engine.depth(SOL)["bids"] == [["100.00", "2.00"]]
    assert engine.depth(SOL)["asks"] == []
    assert locked(engine, "taker", "USDC") == D("200")


def test_fees_are_charged_in_the_asset_received_and_moved_to_the_fee_account(
    engine: MatchingEngine,
) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "10", "100"))
    engine.execute("taker", limit("Bid", "10", "100"))

    taker_fill = engine.fills("taker")[0]
    maker_fill = engine.fills("maker")[0]
    assert (taker_fill["isMaker"], taker_fill["feeSymbol"]) == (False, "SOL")
    assert (maker_fill["isMaker"], maker_fill["feeSymbol"]) == (True, "USDC")
    assert D(taker_fill["fee"]) == D("10") * engine.taker_fee
    assert D(maker_fill["fee"]) == D("1000") * engine.maker_fee
    assert available(engine, "taker", "SOL") == D("1010") - D(taker_fill["fee"])
    assert available(engine, "maker", "USDC") == D("101000") - D(maker_fill["fee"])
    assert available(engine, "__fees__", "SOL") == D(taker_fill["fee"])
    assert available(engine, "__fees__", "USDC") == D(maker_fill["fee"])
    assert engine.total("USDC") == D("200000")
    assert engine.total("SOL") == D("2000")


def test_ioc_remainder_expires_and_never_rests(engine: MatchingEngine, events: list[Event]) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    taker = engine.execute("taker", limit("Bid", "3", "100", time_in_force="IOC"))

    assert (taker["status"], taker["executedQuantity"]) == ("Expired", "1.00")
    assert engine.open_orders("taker") == []
    assert engine.depth(SOL)["bids"] == []
    assert locked(engine, "taker", "USDC") == 0
    assert engine.order_history("taker")[0]["expiryReason"] == "ImmediateOrCancel"
    expired = [p for kind, key, p in events if key == "taker" and p["e"] == "orderExpired"]
    assert [p["R"] for p in expired] == ["IMMEDIATE_OR_CANCEL"]


def test_ioc_that_cannot_trade_expires_with_nothing_executed(engine: MatchingEngine) -> None:
    fund(engine, "taker")
    taker = engine.execute("taker", limit("Bid", "1", "100", time_in_force="IOC"))
    assert (taker["status"], taker["executedQuantity"]) == ("Expired", "0.00")
    assert engine.recent_trades(SOL) == []


def test_fok_that_cannot_fill_completely_expires_without_any_trade(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    maker = engine.execute("maker", limit("Ask", "1", "100"))
    before = engine.balances("taker")

    taker = engine.execute("taker", limit("Bid", "2", "100", time_in_force="FOK"))

    assert (taker["status"], taker["executedQuantity"]) == ("Expired", "0.00")
    assert engine.order_history("taker")[0]["expiryReason"] == "FillOrKill"
    assert engine.recent_trades(SOL) == []
    assert engine.balances("taker") == before
    assert engine.get_open_order("maker", SOL, order_id=maker["id"])["status"] == "New"


def test_fok_that_can_fill_completely_fills(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    engine.execute("maker", limit("Ask", "1", "100.5"))
    taker = engine.execute("taker", limit("Bid", "2", "101", time_in_force="FOK"))
    assert (taker["status"], taker["executedQuantity"]) == ("Filled", "2.00")
    assert engine.depth(SOL)["asks"] == []


def test_post_only_order_that_would_cross_is_rejected(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    error = rejection(engine, "taker", limit("Bid", "1", "100", post_only=True))
    assert (error.status, error.code) == (400, "INVALID_ORDER")
    assert engine.order_history("taker") == []


def test_post_only_order_that_does_not_cross_rests(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    order = engine.execute("taker", limit("Bid", "1", "99.99", post_only=True))
    assert (order["status"], order["postOnly"]) == ("New", True)
    assert engine.depth(SOL)["bids"] == [["99.99", "1.00"]]


def test_market_order_by_quantity_walks_the_book(engine: MatchingEngine) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Bid", "1", "100"))
    engine.execute("maker", limit("Bid", "2", "99"))
    order = engine.execute("taker", OrderRequest(SOL, "Ask", "Market", quantity=D("2.5")))

    assert order["status"] == "Filled"
    assert order["orderType"] == "Market"
    assert D(order["executedQuoteQuantity"]) == D("100") + D("1.5") * D("99")
    assert engine.depth(SOL)["bids"] == [["99.00", "0.50"]]
    assert locked(engine, "taker", "SOL") == 0


def test_market_order_larger_than_the_book_expires_for_lack_of_liquidity(
    engine: MatchingEngine,
) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    order = engine.execute("taker", OrderRequest(SOL, "Bid", "Market", quantity=D("5")))
    assert (order["status"], order["executedQuantity"]) == ("Expired", "1.00")
    assert engine.order_history("taker")[0]["expiryReason"] == "InsufficientLiquidity"
    assert locked(engine, "taker", "USDC") == 0


def test_market_order_by_quote_quantity_spends_at_most_the_quote_quantity(
    engine: MatchingEngine,
) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    engine.execute("maker", limit("Ask", "5", "110"))
    order = engine.execute(
        "taker", OrderRequest(SOL, "Bid", "Market", quote_quantity=D("300"))
    )

    # 1 at 100, then as many 0.01 steps at 110 as the remaining 200 buys: 1.81.
    assert order["status"] == "Filled"
    assert order["executedQuantity"] == "2.81"
    spent = D(order["executedQuoteQuantity"])
    assert spent == D("100") + D("1.81") * D("110")
    assert spent <= D("300")
    assert available(engine, "taker", "USDC") == D("100000") - spent
    assert locked(engine, "taker", "USDC") == 0


def test_market_sell_by_quote_quantity_sells_enough_base_for_that_quote(
    engine: MatchingEngine,
) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Bid", "10", "100"))
    order = engine.execute(
        "taker", OrderRequest(SOL, "Ask", "Market", quote_quantity=D("250"))
    )
    assert D(order["executedQuantity"]) == D("2.5")
    assert D(order["executedQuoteQuantity"]) == D("250")
    assert locked(engine, "taker", "SOL") == 0


# --------------------------------------------------------------- self-trade prevention


def test_reject_taker_expires_the_incoming_order_and_keeps_the_resting_one(
    engine: MatchingEngine,
) -> None:
    fund(engine, "alice")
    resting = engine.execute("alice", limit("Ask", "1", "100"))
    taker = engine.execute("alice", limit("Bid", "1", "100"))

    assert taker["status"] == "Expired"
    assert engine.order_history("alice")[0]["expiryReason"] == "SelfTradePrevention"
    assert engine.get_open_order("alice", SOL, order_id=resting["id"])["status"] == "New"
    assert engine.recent_trades(SOL) == []
    assert locked(engine, "alice", "USDC") == 0


def test_reject_maker_removes_own_resting_orders_and_keeps_matching(
    engine: MatchingEngine,
) -> None:
    fund(engine, "alice", "bob")
    own = engine.execute("alice", limit("Ask", "1", "100"))
    engine.execute("bob", limit("Ask", "1", "100"))
    taker = engine.execute(
        "alice", limit("Bid", "1", "100", self_trade_prevention="RejectMaker")
    )

    assert taker["status"] == "Filled"
    history = {order["id"]: order for order in engine.order_history("alice")}
    assert (history[own["id"]]["status"], history[own["id"]]["expiryReason"]) == (
        "Expired",
        "SelfTradePrevention",
    )
    assert engine.fills("bob")[0]["quantity"] == "1.00"
    assert locked(engine, "alice", "SOL") == 0


def test_reject_both_ends_the_taker_and_the_resting_order_without_trading(
    engine: MatchingEngine,
) -> None:
    fund(engine, "alice", "bob")
    own = engine.execute("alice", limit("Ask", "1", "100"))
    engine.execute("bob", limit("Ask", "1", "100"))
    taker = engine.execute("alice", limit("Bid", "1", "100", self_trade_prevention="RejectBoth"))

    assert taker["status"] == "Expired"
    history = {order["id"]: order for order in engine.order_history("alice")}
    assert history[own["id"]]["status"] == "Expired"
    assert engine.recent_trades(SOL) == []
    assert engine.depth(SOL)["asks"] == [["100.00", "1.00"]]
    assert engine.balances("alice")["USDC"]["locked"] == 0
    assert engine.balances("alice")["SOL"]["locked"] == 0


# ------------------------------------------------------------------ client ids, funds


def test_client_id_must_be_unique_among_open_orders_and_is_reusable_after_cancel(
    engine: MatchingEngine,
) -> None:
    fund(engine, "alice", "bob")
    engine.execute("alice", limit("Bid", "1", "90", client_id=7))

    error = rejection(engine, "alice", limit("Bid", "1", "91", client_id=7))
    assert (error.status, error.code) == (400, "INVALID_ORDER")
    assert error.message == "Order with client ID already exists: 7"
    # Another account may use the same client id.
    engine.execute("bob", limit("Bid", "1", "91", client_id=7))

    cancelled = engine.cancel("alice", SOL, client_id=7)
    assert cancelled["status"] == "Cancelled"
    again = engine.execute("alice", limit("Bid", "1", "92", client_id=7))
    assert engine.get_open_order("alice", SOL, client_id=7)["id"] == again["id"]


def test_client_id_of_a_filled_order_is_free_again(engine: MatchingEngine) -> None:
    fund(engine, "alice", "bob")
    engine.execute("bob", limit("Ask", "1", "100"))
    engine.execute("alice", limit("Bid", "1", "100", client_id=3))
    assert engine.execute("alice", limit("Bid", "1", "90", client_id=3))["status"] == "New"
    assert engine.fills("alice")[0]["clientId"] == "3"


def test_insufficient_funds_is_rejected_with_nothing_changed(
    engine: MatchingEngine, events: list[Event]
) -> None:
    fund(engine, "maker", "poor", usdc="50", sol="1")
    engine.execute("maker", limit("Ask", "1", "100"))
    snapshot = (
        engine.balances("poor"),
        engine.order_history("poor"),
        engine.depth(SOL)["asks"],
        engine.depth(SOL)["lastUpdateId"],
        len(events),
    )

    for request in (
        limit("Bid", "1", "100"),
        limit("Ask", "2", "150"),
        OrderRequest(SOL, "Bid", "Market", quantity=D("1")),
        OrderRequest(SOL, "Bid", "Market", quote_quantity=D("60")),
    ):
        error = rejection(engine, "poor", request)
        assert (error.status, error.code) == (400, "INSUFFICIENT_FUNDS")

    assert snapshot == (
        engine.balances("poor"),
        engine.order_history("poor"),
        engine.depth(SOL)["asks"],
        engine.depth(SOL)["lastUpdateId"],
        len(events),
    )


def test_rejected_order_of_an_unfunded_account_leaves_no_balance_behind(
    engine: MatchingEngine,
) -> None:
    error = rejection(engine, "nobody", limit("Bid", "1", "100"))
    assert error.code == "INSUFFICIENT_FUNDS"
    assert engine.balances("nobody") == {}


def test_cancel_releases_the_locked_funds(engine: MatchingEngine) -> None:
    fund(engine, "alice")
    bid = engine.execute("alice", limit("Bid", "2", "50"))
    ask = engine.execute("alice", limit("Ask", "3", "200"))
    assert (locked(engine, "alice", "USDC"), locked(engine, "alice", "SOL")) == (D(100), D(3))

    engine.cancel("alice", SOL, order_id=bid["id"])
    assert [o["id"] for o in engine.cancel_all("alice", SOL)] == [ask["id"]]

    assert (locked(engine, "alice", "USDC"), locked(engine, "alice", "SOL")) == (D(0), D(0))
    assert available(engine, "alice", "USDC") == D("100000")
    assert available(engine, "alice", "SOL") == D("1000")
    assert engine.open_orders("alice") == []
    depth = engine.depth(SOL)
    assert (depth["asks"], depth["bids"]) == ([], [])


def test_cancel_of_an_order_that_is_not_open_is_not_found(engine: MatchingEngine) -> None:
    fund(engine, "alice")
    order = engine.execute("alice", limit("Bid", "1", "50"))
    engine.cancel("alice", SOL, order_id=order["id"])
    calls: list[Callable[[], object]] = [
        lambda: engine.cancel("alice", SOL, order_id=order["id"]),
        lambda: engine.get_open_order("alice", SOL, order_id=order["id"]),
        lambda: engine.cancel("bob", SOL, order_id=order["id"]),
    ]
    for call in calls:
        with pytest.raises(EngineError) as caught:
            call()
        assert (caught.value.status, caught.value.code) == (404, "RESOURCE_NOT_FOUND")


@pytest.mark.parametrize(
    ("order_id", "client_id"), [(None, None), ("1", 1)], ids=["neither", "both"]
)
def test_cancel_needs_exactly_one_of_order_id_and_client_id(
    engine: MatchingEngine, order_id: str | None, client_id: int | None
) -> None:
    with pytest.raises(EngineError) as caught:
        engine.cancel("alice", SOL, order_id=order_id, client_id=client_id)
    assert caught.value.to_wire() == {
        "code": "INVALID_CLIENT_REQUEST",
        "message": "Must specify either `clientId` or `orderId`",
    }


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (limit("Bid", "1", "100.001"), "INVALID_PRICE"),
        (limit("Bid", "1.001", "100"), "INVALID_QUANTITY"),
        (limit("Bid", "0.001", "100"), "INVALID_QUANTITY"),
        (limit("Bid", "1", "0.001"), "INVALID_PRICE"),
        (limit("Bid", "1", "100", symbol="DOGE_USDC"), "INVALID_MARKET"),
        (limit("Bid", "20000", "100", symbol="SOL_USDC_PERP"), "INSUFFICIENT_MARGIN"),
        (limit("Bid", "1", "100", reduce_only=True), "INVALID_ORDER"),
        (OrderRequest(SOL, "Bid", "Market"), "INVALID_CLIENT_REQUEST"),
        (
            OrderRequest(SOL, "Bid", "Market", quantity=D(1), quote_quantity=D(1)),
            "INVALID_CLIENT_REQUEST",
        ),
        (OrderRequest(SOL, "Bid", "Limit", quantity=D(1)), "INVALID_CLIENT_REQUEST"),
        (limit("Buy", "1", "100"), "INVALID_CLIENT_REQUEST"),
    ],
    ids=[
        "price-off-tick",
        "quantity-off-step",
        "below-min-quantity",
        "below-min-price",
        "unknown-market",
        "perp-beyond-margin",
        "reduce-only-on-spot",
        "market-without-size",
        "market-with-both-sizes",
        "limit-without-price",
        "bad-side",
    ],
)
def test_invalid_orders_are_rejected_with_400_and_the_exchange_code(
    engine: MatchingEngine, request_: OrderRequest, code: str
) -> None:
    fund(engine, "alice")
    error = rejection(engine, "alice", request_)
    assert (error.status, error.code) == (400, code)
    assert engine.order_history("alice") == []


def test_too_many_decimals_use_the_exchange_wording(engine: MatchingEngine) -> None:
    fund(engine, "alice")
    assert rejection(engine, "alice", limit("Bid", "1", "100.001")).message == (
        "Price decimal too long"
    )
    assert rejection(engine, "alice", limit("Bid", "1.001", "100")).message == (
        "Quantity decimal too long"
    )


def test_from_wire_parses_an_order_execute_payload() -> None:
    request = OrderRequest.from_wire(
        {
            "symbol": SOL,
            "side": "Ask",
            "orderType": "Limit",
            "price": "101.50",
            "quantity": "2",
            "timeInForce": "IOC",
            "clientId": 42,
            "selfTradePrevention": "RejectBoth",
            "autoLend": True,
        }
    )
    assert request == OrderRequest(
        SOL,
        "Ask",
        "Limit",
        quantity=D("2"),
        price=D("101.50"),
        time_in_force="IOC",
        client_id=42,
        self_trade_prevention="RejectBoth",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"side": "Bid", "orderType": "Limit", "price": "1", "quantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Limit", "quantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Market"},
        {"symbol": SOL, "side": "Bid", "orderType": "Market", "quantity": "1",
         "quoteQuantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Limit", "price": "abc", "quantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Limit", "price": 1.5, "quantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Stop", "price": "1", "quantity": "1"},
        {"symbol": SOL, "side": "Bid", "orderType": "Limit", "price": "1", "quantity": "1",
         "clientId": "7"},
        {"symbol": SOL, "side": "Bid", "orderType": "Limit", "price": "1", "quantity": "1",
         "triggerPrice": "2"},
        [],
    ],
    ids=[
        "no-symbol",
        "limit-no-price",
        "market-no-size",
        "market-two-sizes",
        "bad-decimal",
        "float-price",
        "bad-order-type",
        "string-client-id",
        "trigger-without-quantity",
        "not-an-object",
    ],
)
def test_from_wire_rejects_malformed_payloads_as_invalid_client_request(body: Any) -> None:
    with pytest.raises(EngineError) as caught:
        OrderRequest.from_wire(body)
    assert (caught.value.status, caught.value.code) == (400, "INVALID_CLIENT_REQUEST")


# ----------------------------------------------------------------- events and depth


def test_order_updates_report_acceptance_fills_and_cumulative_quantities(
    engine: MatchingEngine, events: list[Event]
) -> None:
    fund(engine, "maker", "taker")
    maker = engine.execute("maker", limit("Ask", "1", "100", client_id=5))
    taker = engine.execute("taker", limit("Bid", "3", "100"))

    updates = [(key, p) for kind, key, p in events if kind == "orderUpdate"]
    assert [(key, p["e"], p["X"]) for key, p in updates] == [
        ("maker", "orderAccepted", "New"),
        ("taker", "orderAccepted", "New"),
        ("maker", "orderFill", "Filled"),
        ("taker", "orderFill", "PartiallyFilled"),
    ]
    maker_fill, taker_fill = updates[2][1], updates[3][1]
    assert maker_fill["c"] == 5 and "c" not in taker_fill
    assert (maker_fill["i"], taker_fill["i"]) == (maker["id"], taker["id"])
    assert (maker_fill["m"], taker_fill["m"]) == (True, False)
    assert (taker_fill["o"], taker_fill["l"], taker_fill["z"], taker_fill["L"]) == (
        "LIMIT",
        "1.00",
        "1.00",
        "100.00",
    )
    trades = [p for kind, _, p in events if kind == "trade"]
    assert [(t["b"], t["a"], t["t"], t["m"]) for t in trades] == [
        (taker["id"], maker["id"], 1, False)
    ]


def test_depth_update_ids_are_contiguous_and_match_the_rest_snapshot(
    engine: MatchingEngine, events: list[Event]
) -> None:
    fund(engine, "alice", "bob")
    engine.execute("alice", limit("Bid", "1", "99"))
    engine.execute("alice", limit("Bid", "2", "98"))
    engine.execute("bob", limit("Ask", "1", "101"))
    engine.execute("bob", limit("Ask", "2.5", "98"))
    engine.cancel_all("alice", SOL)

    depth_events = [p for kind, key, p in events if kind == "depth" and key == SOL]
    assert depth_events[0]["U"] == 1
    for previous, current in itertools.pairwise(depth_events):
        assert current["U"] == previous["u"] + 1
    assert engine.depth(SOL)["lastUpdateId"] == str(depth_events[-1]["u"])


def test_local_book_from_snapshot_plus_depth_events_equals_the_rest_depth(
    engine: MatchingEngine, events: list[Event]
) -> None:
    engine.seed_liquidity(levels=5)
    fund(engine, "alice", "bob")
    engine.execute("alice", limit("Bid", "3", "149.99"))
    snapshot = engine.depth(SOL)
    book = {
        side: {D(price): D(qty) for price, qty in snapshot[side]} for side in ("asks", "bids")
    }
    last_id = int(snapshot["lastUpdateId"])
    mark = len(events)

    engine.execute("bob", OrderRequest(SOL, "Bid", "Market", quantity=D("12")))
    engine.execute("bob", limit("Ask", "4", "149.99"))
    engine.cancel_all("alice", SOL)
    engine.execute("alice", limit("Ask", "1", "150.10"))

    for kind, key, payload in events[mark:]:
        if kind != "depth" or key != SOL:
            continue
        assert payload["U"] == last_id + 1
        last_id = payload["u"]
        for side, wire_side in (("asks", "a"), ("bids", "b")):
            for price, qty in payload[wire_side]:
                if D(qty) == 0:
                    book[side].pop(D(price), None)
                else:
                    book[side][D(price)] = D(qty)
    final = engine.depth(SOL)
    assert last_id == int(final["lastUpdateId"])
    for side in ("asks", "bids"):
        assert sorted(book[side].items()) == [(D(p), D(q)) for p, q in final[side]]


def test_book_ticker_is_published_when_the_top_of_book_changes(
    engine: MatchingEngine, events: list[Event]
) -> None:
    fund(engine, "alice")
    engine.execute("alice", limit("Bid", "1", "99"))
    engine.execute("alice", limit("Bid", "1", "98"))  # below the top: no bookTicker
    tickers = [p for kind, _, p in events if kind == "bookTicker"]
    assert [(t["b"], t["B"], t["a"]) for t in tickers] == [("99.00", "1.00", None)]
    assert engine.best_bid_ask(SOL) == ((D("99"), D("1")), None)


def test_unsubscribed_callbacks_receive_nothing_more(engine: MatchingEngine) -> None:
    seen: list[str] = []
    unsubscribe = engine.subscribe(lambda kind, key, payload: seen.append(kind))
    fund(engine, "alice")
    engine.execute("alice", limit("Bid", "1", "99"))
    count = len(seen)
    unsubscribe()
    engine.execute("alice", limit("Bid", "1", "98"))
    assert count > 0 and len(seen) == count


def test_a_failing_subscriber_does_not_starve_the_others_or_undo_the_order(
    engine: MatchingEngine,
) -> None:
    def broken(kind: str, key: str, payload: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    fund(engine, "alice")
    engine.subscribe(broken)
    seen: list[str] = []
    engine.subscribe(lambda kind, key, payload: seen.append(kind))
    with pytest.raises(RuntimeError):
        engine.execute("alice", limit("Bid", "1", "99"))
    assert "depth" in seen
    assert engine.open_orders("alice")[0]["price"] == "99.00"


# ------------------------------------------------------------- seeding, wire shapes


def test_seeded_liquidity_gives_every_market_a_real_looking_book(engine: MatchingEngine) -> None:
    engine.seed_liquidity(levels=20)
    for market in DEFAULT_MARKETS:
        depth = engine.depth(market.symbol)
        assert len(depth["asks"]) == len(depth["bids"]) == 20
        best_bid, best_ask = D(depth["bids"][-1][0]), D(depth["asks"][0][0])
        assert best_bid < market.initial_mid < best_ask
        assert (best_ask - best_bid) / market.tick_size <= 10
        asks = [D(price) for price, _ in depth["asks"]]
        assert asks == sorted(asks)
    assert engine.depth(SOL, limit=5)["bids"] == engine.depth(SOL)["bids"][-5:]

    fund(engine, "alice")
    order = engine.execute("alice", OrderRequest(SOL, "Bid", "Market", quantity=D("30")))
    assert order["status"] == "Filled"


def test_last_price_and_recent_trades_follow_the_trades_newest_first(
    engine: MatchingEngine,
) -> None:
    assert engine.last_price(SOL) == DEFAULT_MARKETS[0].initial_mid
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    engine.execute("maker", limit("Ask", "1", "101"))
    engine.execute("taker", OrderRequest(SOL, "Bid", "Market", quantity=D("2")))
    trades = engine.recent_trades(SOL)
    assert [(t["id"], t["price"], t["isBuyerMaker"]) for t in trades] == [
        (2, "101.00", False),
        (1, "100.00", False),
    ]
    assert engine.last_price(SOL) == D("101")
    assert engine.recent_trades(SOL, limit=1) == trades[:1]


def test_rest_shapes_use_decimal_strings_and_the_documented_time_formats(
    engine: MatchingEngine,
) -> None:
    fund(engine, "maker", "taker")
    engine.execute("maker", limit("Ask", "1", "100"))
    order = engine.execute("taker", limit("Bid", "1", "100", client_id=9))
    assert isinstance(order["createdAt"], int) and order["id"].isdigit()
    assert order["price"] == "100.00" and order["quantity"] == "1.00"
    created = datetime.fromtimestamp(order["createdAt"] / 1000, tz=timezone.utc)
    naive_iso = created.replace(tzinfo=None).isoformat(timespec="milliseconds")
    assert engine.order_history("taker")[0]["createdAt"] == naive_iso
    fill = engine.fills("taker")[0]
    assert (fill["timestamp"], fill["clientId"], fill["tradeId"]) == (naive_iso, "9", 1)


def test_market_and_asset_wire_shapes_cover_every_listed_asset() -> None:
    spot, perp = DEFAULT_MARKETS[0].to_wire(), DEFAULT_MARKETS[1].to_wire()
    assert spot["filters"]["price"]["tickSize"] == "0.01"
    assert (spot["marketType"], spot["fundingInterval"]) == ("SPOT", None)
    assert (perp["marketType"], perp["fundingInterval"]) == ("PERP", 28_800_000)
    assert perp["imfFunction"]["type"] == "sqrt"
    listed = {a.symbol for a in DEFAULT_ASSETS}
    for market in DEFAULT_MARKETS:
        assert {market.base_symbol, market.quote_symbol} <= listed
    assert all(a.to_wire()["tokens"][0]["nativeDecimals"] == a.decimals for a in DEFAULT_ASSETS)


# ------------------------------------------------------------- conservation property

ACCOUNTS = ("alice", "bob", "carol")
SYMBOLS = ("SOL_USDC", "BTC_USDC")

limit_ops = st.tuples(
    st.just("limit"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(SYMBOLS),
    st.sampled_from(("Bid", "Ask")),
    st.integers(-6, 6),  # ticks from the mid
    st.integers(1, 400),  # steps of quantity
    st.sampled_from(("GTC", "GTC", "IOC", "FOK")),
    st.booleans(),  # post only
    st.sampled_from(("RejectTaker", "RejectMaker", "RejectBoth")),
    st.one_of(st.none(), st.integers(0, 3)),
)
market_ops = st.tuples(
    st.just("market"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(SYMBOLS),
    st.sampled_from(("Bid", "Ask")),
    st.booleans(),  # by quote quantity
    st.integers(1, 400),
)
cancel_ops = st.tuples(
    st.just("cancel"), st.sampled_from(ACCOUNTS), st.sampled_from(SYMBOLS), st.integers(0, 5)
)
cancel_all_ops = st.tuples(
    st.just("cancel_all"), st.sampled_from(ACCOUNTS), st.sampled_from(SYMBOLS)
)
# Mostly limit orders, so that books build up between market orders and cancels.
random_ops = st.sampled_from(
    (limit_ops, limit_ops, limit_ops, limit_ops, market_ops, market_ops, cancel_ops, cancel_all_ops)
).flatmap(lambda ops: ops)


def apply_random_op(engine: MatchingEngine, op: tuple[Any, ...]) -> None:
    kind, account, symbol = op[0], op[1], op[2]
    market = engine.markets[symbol]
    if kind == "limit":
        _, _, _, side, ticks, steps, tif, post_only, stp, client_id = op
        engine.execute(
            account,
            OrderRequest(
                symbol,
                side,
                "Limit",
                quantity=market.step_size * steps * 10,
                price=market.initial_mid + ticks * market.tick_size,
                time_in_force=tif,
                post_only=post_only and tif == "GTC",
                client_id=client_id,
                self_trade_prevention=stp,
            ),
        )
    elif kind == "market":
        _, _, _, side, by_quote, amount = op
        if by_quote:
            request = OrderRequest(symbol, side, "Market", quote_quantity=D(amount) * 7)
        else:
            request = OrderRequest(
                symbol, side, "Market", quantity=market.step_size * amount * 10
            )
        engine.execute(account, request)
    elif kind == "cancel":
        open_orders = engine.open_orders(account, symbol)
        if open_orders:
            engine.cancel(account, symbol, order_id=open_orders[op[3] % len(open_orders)]["id"])
    else:
        engine.cancel_all(account, symbol)


def expected_locks(engine: MatchingEngine, account: str) -> dict[str, Decimal]:
    locks: dict[str, Decimal] = {}
    for order in engine.open_orders(account):
        market = engine.markets[order["symbol"]]
        if market.is_perp:
            continue  # house orders on the display-only PERP books lock nothing
        remaining = D(order["quantity"]) - D(order["executedQuantity"])
        if order["side"] == "Bid":
            asset, amount = market.quote_symbol, remaining * D(order["price"])
        else:
            asset, amount = market.base_symbol, remaining
        locks[asset] = locks.get(asset, D(0)) + amount
    return locks


@settings(max_examples=60, deadline=None)
@given(st.lists(random_ops, max_size=40))
def test_random_trading_conserves_every_asset_and_never_goes_negative(
    ops: list[tuple[Any, ...]],
) -> None:
    engine = make_engine()
    engine.seed_liquidity(levels=3)
    for account in ACCOUNTS:
        engine.deposit(account, "USDC", D("20000"))
        engine.deposit(account, "SOL", D("30"))
        engine.deposit(account, "BTC", D("0.2"))
    assets = ("USDC", "SOL", "BTC")
    totals = {asset: engine.total(asset) for asset in assets}

    for op in ops:
        try:
            apply_random_op(engine, op)
        except EngineError as error:
            assert error.status == 400
        assert {asset: engine.total(asset) for asset in assets} == totals
        for account in (*ACCOUNTS, "__house__", engine.fee_account):
            balances = engine.balances(account)
            for held in balances.values():
                assert held["available"] >= 0 and held["locked"] >= 0
            locks = expected_locks(engine, account)
            assert {a: b["locked"] for a, b in balances.items() if b["locked"]} == {
                a: amount for a, amount in locks.items() if amount
            }
        for symbol in SYMBOLS:
            bid, ask = engine.best_bid_ask(symbol)
            assert bid is None or ask is None or bid[0] < ask[0]
