"""Engine tests of perpetual markets: positions, PnL, reduce-only, margin, funding, mark prices,
their events, and a property test that positions and balances are conserved."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async.testing._engine import EngineError, MatchingEngine, OrderRequest

D = Decimal
PERP = "SOL_USDC_PERP"
Event = tuple[str, str, dict[str, Any]]


def make_engine() -> MatchingEngine:
    clock = itertools.count(1_700_000_000_000_000, 1_000)
    return MatchingEngine(now_us=lambda: next(clock))


@pytest.fixture
def engine() -> MatchingEngine:
    engine = make_engine()
    for account in ("alice", "bob", "carol"):
        engine.deposit(account, "USDC", D("10000"))
    engine.set_mark_price(PERP, D(100))  # margin is computed at the mark price
    return engine


@pytest.fixture
def events(engine: MatchingEngine) -> list[Event]:
    seen: list[Event] = []
    engine.subscribe(lambda kind, key, payload: seen.append((kind, key, payload)))
    return seen


def limit(side: str, quantity: str, price: str, **options: Any) -> OrderRequest:
    return OrderRequest(PERP, side, "Limit", quantity=D(quantity), price=D(price), **options)


def trade(engine: MatchingEngine, buyer: str, seller: str, quantity: str, price: str) -> None:
    """``seller`` rests an ask, ``buyer`` takes it (buyer pays the taker fee)."""
    engine.execute(seller, limit("Ask", quantity, price))
    engine.execute(buyer, limit("Bid", quantity, price))


def usdc(engine: MatchingEngine, account: str) -> Decimal:
    return engine.balances(account)["USDC"]["available"]


def position(engine: MatchingEngine, account: str) -> dict[str, Any]:
    [held] = engine.positions(account, PERP)
    return held


def fee(notional: str, rate: str) -> Decimal:
    return (D(notional) * D(rate)).quantize(D("0.00000001"))


def test_a_perp_fill_opens_opposite_positions_and_moves_only_fees(engine: MatchingEngine) -> None:
    trade(engine, "alice", "bob", "2", "100")

    long, short = position(engine, "alice"), position(engine, "bob")
    assert (long["netQuantity"], long["entryPrice"]) == ("2.00", "100.00")
    assert (short["netQuantity"], short["entryPrice"]) == ("-2.00", "100.00")
    # No SOL changes hands on a perpetual; each side pays its fee in USDC.
    assert "SOL" not in engine.balances("alice")
    assert usdc(engine, "alice") == D(10000) - fee("200", "0.0005")
    assert usdc(engine, "bob") == D(10000) - fee("200", "0.0002")
    assert engine.open_interest(PERP) == D(2)
    assert engine.fills("alice")[0]["feeSymbol"] == "USDC"


def test_increasing_averages_the_entry_and_reducing_realizes_pnl(engine: MatchingEngine) -> None:
    trade(engine, "alice", "bob", "1", "100")
    trade(engine, "alice", "bob", "1", "110")
    assert position(engine, "alice")["entryPrice"] == "105.00"
    before = usdc(engine, "alice")

    trade(engine, "carol", "alice", "1", "120")  # alice sells 1 of her 2 at 120

    held = position(engine, "alice")
    assert (held["netQuantity"], held["entryPrice"], held["pnlRealized"]) == (
        "1.00",
        "105.00",
        "15.00000000",
    )
    # The realized 15 is paid at once (minus the maker fee), by the PnL account.
    assert usdc(engine, "alice") == before + D(15) - fee("120", "0.0002")
    assert usdc(engine, engine.pnl_account) == D(-15)


def test_closing_a_position_removes_it_and_keeps_it_in_history(
    engine: MatchingEngine, events: list[Event]
) -> None:
    trade(engine, "alice", "bob", "1", "100")
    trade(engine, "bob", "alice", "1", "90")  # alice sells back lower: -10

    assert engine.positions("alice") == [] and engine.net_position("alice", PERP) == 0
    [closed] = engine.position_history_page("alice")
    assert (closed["state"], closed["cumulativePnlRealized"], closed["closingPrice"]) == (
        "Closed",
        "-10.00000000",
        "90.00",
    )
    updates = [(key, p["e"]) for kind, key, p in events if kind == "positionUpdate"]
    assert ("alice", "positionOpened") in updates and ("alice", "positionClosed") in updates
    assert engine.open_interest(PERP) == 0


def test_a_fill_larger_than_the_position_flips_it_at_the_fill_price(
    engine: MatchingEngine,
) -> None:
    trade(engine, "alice", "bob", "1", "100")
    trade(engine, "carol", "alice", "3", "104")

    held = position(engine, "alice")
    assert (held["netQuantity"], held["entryPrice"], held["pnlRealized"]) == (
        "-2.00",
        "104.00",
        "4.00000000",
    )


def test_unrealized_pnl_follows_the_mark_price(engine: MatchingEngine, events: list[Event]) -> None:
    trade(engine, "alice", "bob", "2", "100")
    assert position(engine, "alice")["pnlUnrealized"] == "0.00000000"
    mark = len(events)

    engine.set_mark_price(PERP, D("112.5"), index_price=D("112"))

    assert position(engine, "alice")["pnlUnrealized"] == "25.00000000"
    assert position(engine, "bob")["pnlUnrealized"] == "-25.00000000"
    assert (engine.mark_price(PERP), engine.index_price(PERP)) == (D("112.5"), D(112))
    later = events[mark:]
    [mark_event] = [p for kind, key, p in later if kind == "markPrice" and key == PERP]
    assert (mark_event["p"], mark_event["i"], mark_event["f"]) == ("112.5", "112", "0.0001")
    adjusted = {key: p for kind, key, p in later if kind == "positionUpdate"}
    assert adjusted["alice"]["e"] == "positionAdjusted" and adjusted["alice"]["P"] == "25.00000000"
    assert adjusted["alice"]["M"] == "112.50"


def test_position_updates_carry_the_documented_fields_and_the_snapshot_has_no_event(
    engine: MatchingEngine, events: list[Event]
) -> None:
    trade(engine, "alice", "bob", "2", "100")
    [opened] = [p for kind, key, p in events if kind == "positionUpdate" and key == "alice"]
    assert set(opened) == {
        "e",
        "E",
        "s",
        "b",
        "B",
        "f",
        "M",
        "m",
        "q",
        "Q",
        "n",
        "i",
        "p",
        "P",
        "T",
    }
    assert (opened["e"], opened["q"], opened["i"]) == ("positionOpened", "2.00", "1")

    [snapshot] = engine.position_snapshot("alice")
    assert "e" not in snapshot and snapshot["q"] == "2.00" and snapshot["s"] == PERP
    assert engine.position_snapshot("carol") == []


# ------------------------------------------------------------------------------ reduce-only


def test_reduce_only_without_a_position_expires_unfilled(engine: MatchingEngine) -> None:
    engine.execute("bob", limit("Ask", "1", "100"))
    order = engine.execute("alice", limit("Bid", "1", "100", reduce_only=True))

    assert (order["status"], order["executedQuantity"]) == ("Expired", "0.00")
    assert engine.order_history("alice")[0]["expiryReason"] == "ReduceOnlyNotReduced"
    assert engine.positions("alice") == []


def test_reduce_only_on_the_side_of_the_position_expires(engine: MatchingEngine) -> None:
    trade(engine, "alice", "bob", "1", "100")
    order = engine.execute("alice", limit("Bid", "1", "99", reduce_only=True))
    assert order["status"] == "Expired"


def test_reduce_only_larger_than_the_position_only_closes_it(engine: MatchingEngine) -> None:
    trade(engine, "alice", "bob", "1", "100")
    engine.execute("carol", limit("Bid", "5", "100"))

    order = engine.execute("alice", limit("Ask", "5", "100", reduce_only=True))

    assert (order["quantity"], order["executedQuantity"], order["status"]) == (
        "1.00",
        "1.00",
        "Filled",
    )
    assert engine.positions("alice") == []


def test_resting_reduce_only_orders_shrink_then_expire_with_the_position(
    engine: MatchingEngine, events: list[Event]
) -> None:
    trade(engine, "alice", "bob", "3", "100")
    resting = engine.execute("alice", limit("Ask", "3", "130", reduce_only=True))

    trade(engine, "carol", "alice", "2", "101")  # the position shrinks to 1
    [shrunk] = engine.open_orders("alice", PERP)
    assert (shrunk["id"], shrunk["quantity"]) == (resting["id"], "1.00")
    modified = [p for kind, _, p in events if kind == "orderUpdate" and p["e"] == "orderModified"]
    assert [(p["i"], p["q"]) for p in modified] == [(resting["id"], "1.00")]

    trade(engine, "carol", "alice", "1", "101")  # closed: nothing left to reduce
    assert engine.open_orders("alice", PERP) == []
    expired = engine.order_history_page("alice", order_id=resting["id"])[0][0]
    assert (expired["status"], expired["expiryReason"]) == ("Expired", "ReduceOnlyNotReduced")


def test_reduce_only_is_refused_on_spot_and_without_a_base_quantity(
    engine: MatchingEngine,
) -> None:
    with pytest.raises(EngineError) as spot:
        engine.execute(
            "alice",
            OrderRequest("SOL_USDC", "Bid", "Limit", D(1), None, D(100), reduce_only=True),
        )
    with pytest.raises(EngineError) as by_quote:
        engine.execute(
            "alice", OrderRequest(PERP, "Bid", "Market", quote_quantity=D(100), reduce_only=True)
        )
    assert (spot.value.code, by_quote.value.code) == ("INVALID_ORDER", "INVALID_ORDER")


# ---------------------------------------------------------------------------------- margin


def test_an_order_beyond_the_initial_margin_is_rejected_with_nothing_changed(
    engine: MatchingEngine,
) -> None:
    # 10,000 USDC at the default 10x leverage limit backs 100,000 of notional.
    engine.deposit("bob", "USDC", D(100000))
    engine.execute("bob", limit("Ask", "2000", "100"))
    with pytest.raises(EngineError) as caught:
        engine.execute("alice", limit("Bid", "1001", "100"))
    assert (caught.value.status, caught.value.code) == (400, "INSUFFICIENT_MARGIN")
    assert engine.order_history("alice") == [] and engine.positions("alice") == []

    engine.execute("alice", limit("Bid", "999", "100"))
    assert position(engine, "alice")["netQuantity"] == "999.00"


def test_resting_orders_count_towards_the_margin_and_leverage_moves_the_limit(
    engine: MatchingEngine,
) -> None:
    engine.execute("alice", limit("Bid", "600", "100"))
    with pytest.raises(EngineError):
        engine.execute("alice", limit("Bid", "600", "99"))

    engine.set_leverage_limit("alice", D(20))
    engine.execute("alice", limit("Bid", "600", "99"))
    assert len(engine.open_orders("alice", PERP)) == 2


def test_an_order_that_reduces_the_position_passes_even_when_under_margined(
    engine: MatchingEngine,
) -> None:
    trade(engine, "alice", "bob", "900", "100")
    engine.set_mark_price(PERP, D(95))  # alice lost 4,500 of her 10,000
    with pytest.raises(EngineError):
        engine.execute("alice", limit("Bid", "100", "90"))

    engine.execute("carol", limit("Bid", "400", "95"))
    reduced = engine.execute("alice", limit("Ask", "400", "95"))
    assert reduced["status"] == "Filled"
    assert position(engine, "alice")["netQuantity"] == "500.00"


# --------------------------------------------------------------------------------- funding


def test_funding_moves_from_longs_to_shorts_at_the_mark_price(
    engine: MatchingEngine, events: list[Event]
) -> None:
    trade(engine, "alice", "bob", "4", "100")
    engine.set_mark_price(PERP, D(110))
    before = {account: usdc(engine, account) for account in ("alice", "bob")}
    total = engine.total("USDC")

    assert engine.settle_funding(PERP, D("0.001")) == 2

    assert usdc(engine, "alice") == before["alice"] - D("0.44")
    assert usdc(engine, "bob") == before["bob"] + D("0.44")
    assert engine.total("USDC") == total
    assert position(engine, "alice")["cumulativeFundingPayment"] == "-0.44000000"
    rows, count = engine.funding_payments_page("bob")
    assert count == 1 and (rows[0]["quantity"], rows[0]["fundingRate"]) == ("0.44000000", "0.001")
    assert any(kind == "balanceUpdate" and key == "bob" for kind, key, _ in events[-6:])


def test_a_negative_rate_pays_the_longs_and_the_default_rate_is_settable(
    engine: MatchingEngine,
) -> None:
    trade(engine, "alice", "bob", "1", "100")
    engine.set_funding_rate(PERP, D("-0.01"))
    before = usdc(engine, "alice")
    engine.settle_funding()
    assert usdc(engine, "alice") == before + D(1)


def test_balance_updates_report_absolute_balances_after_each_change(
    engine: MatchingEngine, events: list[Event]
) -> None:
    engine.deposit("alice", "SOL", D(3))
    engine.execute("alice", OrderRequest("SOL_USDC", "Ask", "Limit", D(1), None, D(200)))

    updates = [p for kind, key, p in events if kind == "balanceUpdate" and key == "alice"]
    assert [(p["a"], D(p["A"]), D(p["L"])) for p in updates] == [
        ("SOL", D(3), D(0)),
        ("SOL", D(2), D(1)),
    ]


# ------------------------------------------------------------------- conservation property

ACCOUNTS = ("alice", "bob", "carol")
PERPS = ("SOL_USDC_PERP", "BTC_USDC_PERP")

perp_orders = st.tuples(
    st.just("order"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(PERPS),
    st.sampled_from(("Bid", "Ask")),
    st.integers(-4, 4),  # ticks from the mid
    st.integers(1, 300),  # steps of quantity (x10)
    st.sampled_from(("GTC", "IOC", "Market")),
    st.booleans(),  # reduce only
)
perp_marks = st.tuples(
    st.just("mark"), st.sampled_from(ACCOUNTS), st.sampled_from(PERPS), st.integers(-200, 200)
)
perp_funding = st.tuples(
    st.just("funding"), st.sampled_from(ACCOUNTS), st.sampled_from(PERPS), st.integers(-50, 50)
)
perp_cancels = st.tuples(st.just("cancel"), st.sampled_from(ACCOUNTS), st.sampled_from(PERPS))
perp_triggers = st.tuples(
    st.just("trigger"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(PERPS),
    st.sampled_from(("Bid", "Ask")),
    st.integers(-20, 20),  # trigger price, in 10-tick steps from the mid
    st.sampled_from(("1", "50%", "100%")),
    st.sampled_from(("LastPrice", "MarkPrice")),
)
perp_ops = st.sampled_from(
    (
        perp_orders,
        perp_orders,
        perp_orders,
        perp_orders,
        perp_marks,
        perp_funding,
        perp_cancels,
        perp_triggers,
    )
).flatmap(lambda ops: ops)


def apply_perp_op(engine: MatchingEngine, op: tuple[Any, ...]) -> None:
    kind, account, symbol = op[0], op[1], op[2]
    market = engine.markets[symbol]
    if kind == "order":
        _, _, _, side, ticks, steps, style, reduce_only = op
        quantity = market.step_size * steps * 10
        if style == "Market":
            request = OrderRequest(
                symbol, side, "Market", quantity=quantity, reduce_only=reduce_only
            )
        else:
            request = OrderRequest(
                symbol,
                side,
                "Limit",
                quantity=quantity,
                price=market.initial_mid + ticks * market.tick_size,
                time_in_force=style,
                reduce_only=reduce_only,
            )
        engine.execute(account, request)
    elif kind == "trigger":
        _, _, _, side, steps, size, by = op
        quantity = str(market.step_size * 50) if size == "1" else size
        engine.execute(
            account,
            OrderRequest(
                symbol,
                side,
                "Market",
                trigger_price=market.initial_mid + steps * market.tick_size * 10,
                trigger_quantity=quantity,
                trigger_by=by,
                reduce_only=size.endswith("%"),
            ),
        )
    elif kind == "mark":
        engine.set_mark_price(symbol, market.initial_mid + op[3] * market.tick_size * 10)
    elif kind == "funding":
        engine.settle_funding(symbol, D(op[3]) / 10_000)
    else:
        engine.cancel_all(account, symbol)


@settings(max_examples=60, deadline=None)
@given(st.lists(perp_ops, max_size=35))
def test_random_perp_trading_conserves_positions_and_balances(ops: list[tuple[Any, ...]]) -> None:
    engine = make_engine()
    engine.seed_liquidity(levels=3)
    # carol is short of collateral, so margin rejections happen along the way.
    for account, usdc_held in zip(ACCOUNTS, ("50000", "50000", "400"), strict=True):
        engine.deposit(account, "USDC", D(usdc_held))
    total = engine.total("USDC")
    everyone = (*ACCOUNTS, "__house__")

    for op in ops:
        try:
            apply_perp_op(engine, op)
        except EngineError as error:
            assert error.status == 400
        # No USDC is created or destroyed: fees, PnL and funding only move it.
        assert engine.total("USDC") == total
        for symbol in PERPS:
            # Every contract bought was sold by someone.
            assert sum(engine.net_position(a, symbol) for a in everyone) == 0
        # The PnL account holds what the open positions have not realized yet: their summed
        # unrealized PnL, -(sum of open cost) since the net positions sum to zero.
        open_cost = sum(
            (p.cost for held in engine._positions.values() for p in held.values()), D(0)
        )
        pnl = engine.balances(engine.pnl_account).get("USDC", {}).get("available", D(0))
        assert pnl == -open_cost
        # Per account and market: open cost - realized (over every position) = the signed
        # notional of its fills, so realized + unrealized = net * mark - flows, exactly.
        for account in everyone:
            for symbol in PERPS:
                flows = sum(
                    (
                        D(f["price"]) * D(f["quantity"]) * (1 if f["side"] == "Bid" else -1)
                        for f in engine.fills(account, symbol)
                    ),
                    D(0),
                )
                realized = sum(
                    (p.realized for p in engine._position_history.all((account, "symbol", symbol))),
                    D(0),
                )
                held = engine._positions.get(symbol, {}).get(account)
                assert (held.cost if held else 0) - realized == flows
                # Perp orders lock nothing, and no reduce-only order can flip a position.
                for order in engine.open_orders(account, symbol):
                    if order["reduceOnly"] and order["status"] != "TriggerPending":
                        net = engine.net_position(account, symbol)
                        assert net and (order["side"] == "Ask") == (net > 0)
                        assert D(order["quantity"]) - D(order["executedQuantity"]) <= abs(net)
        for account in ACCOUNTS:
            assert engine.balances(account)["USDC"]["locked"] == 0
