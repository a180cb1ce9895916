"""Engine tests of trigger orders: last, mark and index price triggers, percentage quantities,
TriggerFailed, attached stop-loss / take-profit, cancels, and events consistent with REST."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from bpx_async.testing._engine import EngineError, MatchingEngine, OrderRequest, Protection

D = Decimal
SOL, PERP = "SOL_USDC", "SOL_USDC_PERP"
Event = tuple[str, str, dict[str, Any]]


@pytest.fixture
def engine() -> MatchingEngine:
    clock = itertools.count(1_700_000_000_000_000, 1_000)
    engine = MatchingEngine(now_us=lambda: next(clock))
    for account in ("alice", "bob"):
        engine.deposit(account, "USDC", D("100000"))
        engine.deposit(account, "SOL", D("100"))
    engine.set_mark_price(PERP, D(100))
    return engine


@pytest.fixture
def events(engine: MatchingEngine) -> list[Event]:
    seen: list[Event] = []
    engine.subscribe(lambda kind, key, payload: seen.append((kind, key, payload)))
    return seen


def order(
    side: str, quantity: str | None, price: str | None, symbol: str = SOL, **options: Any
) -> OrderRequest:
    kind = "Limit" if price is not None else "Market"
    return OrderRequest(
        symbol,
        side,
        kind,
        quantity=None if quantity is None else D(quantity),
        price=None if price is None else D(price),
        **options,
    )


def trade_at(engine: MatchingEngine, price: str, symbol: str = SOL, quantity: str = "1") -> None:
    """Make ``price`` the last price: bob rests an ask and carol lifts it."""
    engine.deposit("carol", "USDC", D(100000))
    engine.execute("bob", order("Ask", quantity, price, symbol))
    engine.execute("carol", order("Bid", quantity, price, symbol))


def updates_of(events: list[Event], order_id: str) -> list[dict[str, Any]]:
    return [p for kind, _, p in events if kind == "orderUpdate" and p["i"] == order_id]


def test_a_last_price_stop_waits_pending_then_is_placed_when_the_price_falls(
    engine: MatchingEngine, events: list[Event]
) -> None:
    trade_at(engine, "100")
    engine.execute("bob", order("Bid", "5", "94"))  # liquidity the stop will sell into
    stop = engine.execute(
        "alice",
        order("Ask", None, None, trigger_price=D(95), trigger_quantity="2"),
    )
    assert (stop["status"], stop["triggerPrice"], stop["triggerQuantity"]) == (
        "TriggerPending",
        "95.00",
        "2",
    )
    assert engine.balances("alice")["SOL"]["locked"] == 0  # nothing held while pending
    assert engine.get_open_order("alice", SOL, order_id=stop["id"])["status"] == "TriggerPending"

    trade_at(engine, "96")
    assert engine.get_open_order("alice", SOL, order_id=stop["id"])["status"] == "TriggerPending"
    trade_at(engine, "95")

    [row] = engine.order_history_page("alice", order_id=stop["id"])[0]
    assert (row["status"], row["executedQuantity"], row["triggerPrice"]) == (
        "Filled",
        "2.00",
        "95.00",
    )
    stages = [(p["e"], p["X"]) for p in updates_of(events, stop["id"])]
    assert stages == [
        ("orderAccepted", "TriggerPending"),
        ("triggerPlaced", "New"),
        ("orderFill", "Filled"),
    ]
    placed = updates_of(events, stop["id"])[1]
    assert (placed["P"], placed["B"], placed["Y"]) == ("95.00", "LastPrice", "2")


def test_a_mark_price_trigger_fires_on_a_mark_move_without_any_trade(
    engine: MatchingEngine,
) -> None:
    engine.execute("bob", order("Ask", "10", "100", PERP))
    engine.execute("alice", order("Bid", "2", "100", PERP))
    engine.execute("bob", order("Bid", "10", "90", PERP))
    stop = engine.execute(
        "alice",
        order(
            "Ask",
            None,
            None,
            PERP,
            trigger_price=D(92),
            trigger_quantity="2",
            trigger_by="MarkPrice",
            reduce_only=True,
        ),
    )
    engine.set_mark_price(PERP, D(93))
    assert engine.net_position("alice", PERP) == 2

    engine.set_mark_price(PERP, D("91.5"))

    assert engine.net_position("alice", PERP) == 0
    [row] = engine.order_history_page("alice", order_id=stop["id"])[0]
    assert row["status"] == "Filled"


def test_an_index_price_trigger_follows_the_index_not_the_mark(engine: MatchingEngine) -> None:
    engine.execute("bob", order("Ask", "10", "120", PERP))
    engine.set_mark_price(PERP, D(100), index_price=D(100))
    pending = engine.execute(
        "alice",
        order(
            "Bid",
            None,
            "120",
            PERP,
            trigger_price=D(110),
            trigger_quantity="1",
            trigger_by="IndexPrice",
        ),
    )
    engine.set_mark_price(PERP, D(115), index_price=D(105))
    assert engine.get_open_order("alice", PERP, order_id=pending["id"])["status"] == (
        "TriggerPending"
    )
    engine.set_mark_price(PERP, D(105), index_price=D(111))
    assert engine.net_position("alice", PERP) == 1


def test_a_percentage_trigger_quantity_sizes_the_order_from_the_position(
    engine: MatchingEngine,
) -> None:
    engine.execute("bob", order("Ask", "3", "100", PERP))
    engine.execute("alice", order("Bid", "3", "100", PERP))
    engine.execute("bob", order("Bid", "10", "98", PERP))
    engine.execute(
        "alice",
        order(
            "Ask",
            None,
            None,
            PERP,
            trigger_price=D(99),
            trigger_quantity="50%",
            trigger_by="MarkPrice",
            reduce_only=True,
        ),
    )
    engine.set_mark_price(PERP, D(99))
    assert engine.net_position("alice", PERP) == D("1.5")


def test_a_percentage_trigger_quantity_needs_a_perpetual(engine: MatchingEngine) -> None:
    with pytest.raises(EngineError) as caught:
        engine.execute(
            "alice", order("Ask", None, None, trigger_price=D(95), trigger_quantity="50%")
        )
    assert caught.value.status == 400


def test_a_trigger_that_cannot_be_placed_ends_trigger_failed(
    engine: MatchingEngine, events: list[Event]
) -> None:
    engine.deposit("poor", "USDC", D(10))
    trade_at(engine, "100")
    pending = engine.execute(
        "poor", order("Bid", "5", "102", trigger_price=D(101), trigger_quantity="5")
    )
    trade_at(engine, "101")  # 5 at 102 needs 510 USDC; poor has 10

    [row] = engine.order_history_page("poor", order_id=pending["id"])[0]
    assert (row["status"], row["executedQuantity"]) == ("TriggerFailed", "0.00")
    assert [p["e"] for p in updates_of(events, pending["id"])] == ["orderAccepted", "triggerFailed"]
    assert engine.open_orders("poor") == []


def test_stop_loss_and_take_profit_attach_when_the_order_fills_and_one_cancels_the_other(
    engine: MatchingEngine, events: list[Event]
) -> None:
    engine.execute("bob", order("Ask", "2", "100", PERP))
    engine.execute("bob", order("Bid", "10", "90", PERP))
    parent = engine.execute(
        "alice",
        order(
            "Bid",
            "2",
            None,
            PERP,
            stop_loss=Protection(D(95), trigger_by="MarkPrice"),
            take_profit=Protection(D(120), limit_price=D(120), trigger_by="MarkPrice"),
        ),
    )
    assert (parent["stopLossTriggerPrice"], parent["takeProfitLimitPrice"]) == ("95.00", "120.00")
    children = [o for o in engine.open_orders("alice", PERP) if o["relatedOrderId"] == parent["id"]]
    assert sorted(
        (o["triggerPrice"], o["side"], o["reduceOnly"], o["quantity"]) for o in children
    ) == [
        ("120.00", "Ask", True, "2.00"),
        ("95.00", "Ask", True, "2.00"),
    ]
    accepted = [p for kind, _, p in events if kind == "orderUpdate" and p.get("I") == parent["id"]]
    assert {p["X"] for p in accepted} == {"TriggerPending"}

    engine.set_mark_price(PERP, D(94))  # the stop-loss fires; the take-profit is cancelled

    assert engine.net_position("alice", PERP) == 0
    assert engine.open_orders("alice", PERP) == []
    statuses = {
        o["triggerPrice"]: o["status"] for o in engine.order_history("alice") if o["relatedOrderId"]
    }
    assert statuses == {"95.00": "Filled", "120.00": "Cancelled"}


def test_pending_triggers_cancel_by_id_and_by_conditional_cancel_all(
    engine: MatchingEngine,
) -> None:
    trade_at(engine, "100")
    first = engine.execute(
        "alice", order("Ask", None, None, trigger_price=D(90), trigger_quantity="1")
    )
    engine.execute("alice", order("Ask", None, None, trigger_price=D(91), trigger_quantity="1"))
    resting = engine.execute("alice", order("Bid", "1", "50"))

    assert engine.cancel("alice", SOL, order_id=first["id"])["status"] == "Cancelled"
    assert engine.open_order_count("alice", triggers=True) == 1
    engine.cancel_all("alice", SOL, "ConditionalOrder")
    assert [o["id"] for o in engine.open_orders("alice")] == [resting["id"]]
    engine.execute("alice", order("Ask", None, None, trigger_price=D(92), trigger_quantity="1"))
    engine.cancel_all("alice", SOL, "RestingLimitOrder")
    assert [o["status"] for o in engine.open_orders("alice")] == ["TriggerPending"]


def test_trigger_orders_need_both_price_and_quantity_and_valid_values() -> None:
    for body in (
        {"triggerPrice": "95"},
        {"triggerPrice": "95", "triggerQuantity": "150%"},
        {"triggerPrice": "95", "triggerQuantity": "1", "triggerBy": "Moon"},
        {"stopLossLimitPrice": "90"},
    ):
        with pytest.raises(EngineError) as caught:
            OrderRequest.from_wire({"symbol": SOL, "side": "Ask", "orderType": "Market", **body})
        assert caught.value.status == 400
