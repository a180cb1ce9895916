"""``decode``: every frame shape the exchange documents, lenient where it must be."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from bpx_async.models.enums import OrderStatus, OrderType, Side
from bpx_async.streams import (
    BalanceUpdate,
    BookTicker,
    DepthUpdate,
    Kline,
    Liquidation,
    MarkPrice,
    OpenInterest,
    OrderUpdate,
    PositionUpdate,
    RfqUpdate,
    StreamErrorEvent,
    Ticker,
    Trade,
    UnknownEvent,
    decode,
)


def frame(stream: str, data: dict[str, object]) -> str:
    return json.dumps({"stream": stream, "data": data})


@pytest.mark.parametrize("as_text", [False, True], ids=["json-ints", "strings"])
def test_depth_times_and_ids_decode_from_numbers_and_strings(as_text: bool) -> None:
    def wire(value: int) -> object:
        return str(value) if as_text else value

    event = decode(
        frame(
            "depth.200ms.SOL_USDC",
            {
                "e": "depth",
                "E": wire(1754517402450016),
                "s": "SOL_USDC",
                "a": [["18.70", "0.000"], ["18.80", "12.5"]],
                "b": [["18.60", "3"]],
                "U": wire(100),
                "u": wire(104),
                "T": wire(1754517402449000),
            },
        )
    )
    assert isinstance(event, DepthUpdate)
    assert event.stream == "depth.200ms.SOL_USDC"  # the variant comes from the envelope
    assert (event.event_time, event.engine_time) == (1754517402450016, 1754517402449000)
    assert (event.first_update_id, event.last_update_id) == (100, 104)
    assert event.asks == [(Decimal("18.70"), Decimal(0)), (Decimal("18.80"), Decimal("12.5"))]
    assert event.bids == [(Decimal("18.60"), Decimal(3))]


def test_book_ticker_update_id_may_be_a_string() -> None:
    event = decode(
        frame(
            "bookTicker.SOL_USDC",
            {"e": "bookTicker", "E": 1, "s": "SOL_USDC", "a": "18.70", "A": "1", "b": "18.60",
             "B": "2", "u": "111063070525358080", "T": 2},
        )
    )
    assert isinstance(event, BookTicker)
    assert event.update_id == 111063070525358080
    assert (event.bid_price, event.ask_price) == (Decimal("18.60"), Decimal("18.70"))


def test_kline_with_iso_times_and_interval_from_the_stream_name() -> None:
    event = decode(
        frame(
            "kline.1m.SOL_USDC",
            {"e": "kline", "E": 1, "s": "SOL_USDC", "t": "2026-09-02T16:44:00",
             "T": "2026-09-02T16:45:00", "o": "18.75", "c": "18.80", "h": "18.81", "l": "18.74",
             "v": "32", "n": 5, "X": False},
        )
    )
    assert isinstance(event, Kline)
    assert event.interval == "1m"
    assert event.start == datetime(2026, 9, 2, 16, 44, tzinfo=timezone.utc)
    assert event.end == datetime(2026, 9, 2, 16, 45, tzinfo=timezone.utc)
    assert (event.open, event.close, event.trades, event.closed) == (
        Decimal("18.75"), Decimal("18.80"), 5, False
    )


def test_kline_with_integer_times_and_null_prices() -> None:
    event = decode(
        frame(
            "kline.1h.SOL_USDC",
            {"e": "kline", "E": 1, "s": "SOL_USDC", "t": 1700000000, "T": "1700003600",
             "o": None, "c": None, "h": None, "l": None, "v": "0", "n": 0, "X": True},
        )
    )
    assert isinstance(event, Kline)
    assert event.start == datetime.fromtimestamp(1700000000, tz=timezone.utc)
    assert event.end == datetime.fromtimestamp(1700003600, tz=timezone.utc)
    assert (event.open, event.close, event.high, event.low) == (None, None, None, None)
    assert event.closed is True


def test_trade_ticker_mark_price_open_interest_and_liquidation() -> None:
    trade = decode(frame("trade.SOL_USDC", {"e": "trade", "E": 1, "s": "SOL_USDC", "p": "18.7",
                                            "q": "2", "b": 123, "a": "456", "t": 7, "T": 2,
                                            "m": True}))
    assert isinstance(trade, Trade)
    assert (trade.buyer_order_id, trade.seller_order_id, trade.trade_id) == ("123", "456", 7)
    ticker = decode(frame("ticker.SOL_USDC", {"e": "ticker", "E": 1, "s": "SOL_USDC",
                                              "o": "1", "c": "2", "h": "3", "l": "0.5",
                                              "v": "10", "V": "20", "n": 4}))
    assert isinstance(ticker, Ticker)
    assert (ticker.last_price, ticker.quote_volume, ticker.trades) == (Decimal(2), Decimal(20), 4)
    mark = decode(frame("markPrice.SOL_USDC_PERP", {"e": "markPrice", "E": 1,
                                                    "s": "SOL_USDC_PERP", "p": "18.7",
                                                    "f": "-0.0000039641039274236048482914",
                                                    "i": "18.69", "n": 1700000000000, "T": 2}))
    assert isinstance(mark, MarkPrice)
    assert mark.funding_rate == Decimal("-0.0000039641039274236048482914")
    assert mark.next_funding_time == 1700000000000
    prediction = decode(frame("markPrice.X", {"e": "markPrice", "E": 1, "s": "X", "p": "0.4"}))
    assert isinstance(prediction, MarkPrice)
    assert prediction.funding_rate is None
    interest = decode(frame("openInterest.SOL_USDC_PERP", {"e": "openInterest", "E": 1,
                                                           "s": "SOL_USDC_PERP", "o": "1234.5"}))
    assert isinstance(interest, OpenInterest)
    assert interest.open_interest == Decimal("1234.5")
    liquidation = decode(frame("liquidation", {"e": "liquidation", "E": 1, "q": "1", "p": "2",
                                               "S": "Bid", "s": "SOL_USDC_PERP", "T": 3}))
    assert isinstance(liquidation, Liquidation)
    assert liquidation.side is Side.BID


def test_order_update_without_client_id_with_null_trade_id_and_upper_case_type() -> None:
    event = decode(
        frame(
            "account.orderUpdate",
            {"e": "orderAccepted", "E": "1754517402450016", "s": "SOL_USDC", "S": "Bid",
             "o": "LIMIT", "f": "GTC", "q": "1", "Q": "18.7", "p": "18.7", "X": "New",
             "i": "111063070525358080", "t": None, "z": "0", "Z": "0", "V": "RejectTaker",
             "T": 1754517402449000, "O": "USER", "y": True, "r": False},
        )
    )
    assert isinstance(event, OrderUpdate)
    assert event.client_id is None
    assert event.trade_id is None
    assert event.order_type is OrderType.LIMIT
    assert event.status is OrderStatus.NEW
    assert event.event_time == 1754517402450016
    assert (event.post_only, event.reduce_only) == (True, False)


def test_order_fill_with_percentage_trigger_quantity_and_new_values() -> None:
    event = decode(
        frame(
            "account.orderUpdate.SOL_USDC",
            {"e": "orderFill", "E": 1, "s": "SOL_USDC", "c": 42, "S": "Ask", "o": "Limit",
             "f": "IOC", "Y": "80%", "X": "SomeFutureStatus", "i": "9", "t": 77, "l": "0.5",
             "L": "18.71", "m": False, "n": "0.001", "N": "USDC", "z": "0.5", "Z": "9.355",
             "T": 2, "O": "LIQUIDATION_AUTOCLOSE"},
        )
    )
    assert isinstance(event, OrderUpdate)
    assert event.trigger_quantity == "80%"
    assert event.status == "SomeFutureStatus"
    assert (event.client_id, event.trade_id, event.fill_price) == (42, 77, Decimal("18.71"))
    other = decode(frame("account.orderUpdate", {"e": "triggerPlaced", "Y": "1.5"}))
    assert isinstance(other, OrderUpdate)
    assert other.trigger_quantity == Decimal("1.5")


def test_position_update_with_numeric_id_and_float_fields_and_snapshot_without_e() -> None:
    event = decode(
        frame(
            "account.positionUpdate",
            {"e": "positionOpened", "E": 1, "s": "SOL_USDC_PERP", "b": 123, "B": "123.5",
             "f": 0.5, "M": "124", "m": 0.0135, "q": -5, "Q": "-5", "n": "-620", "i": 111,
             "p": "0", "P": "-2.5", "l": "0", "T": 2},
        )
    )
    assert isinstance(event, PositionUpdate)
    assert event.position_id == "111"
    assert event.initial_margin_fraction == Decimal("0.5")
    assert event.maintenance_margin_fraction == Decimal("0.0135")
    assert event.net_quantity == Decimal(-5)
    assert not event.is_snapshot
    snapshot = decode(frame("account.positionUpdate", {"E": 1, "s": "SOL_USDC_PERP", "q": "1"}))
    assert isinstance(snapshot, PositionUpdate)
    assert snapshot.is_snapshot


def test_balance_and_rfq_updates() -> None:
    balance = decode(frame("account.balanceUpdate", {"e": "balanceUpdate", "E": 1, "T": 2,
                                                     "a": "USDT", "A": "10", "L": "20",
                                                     "S": "0"}))
    assert isinstance(balance, BalanceUpdate)
    assert (balance.asset, balance.available, balance.locked) == ("USDT", Decimal(10), Decimal(20))
    rfq = decode(frame("account.rfqUpdate", {"e": "rfqActive", "E": 1, "R": 123, "C": 5,
                                             "s": "SOL_USDC", "S": "Bid", "q": "1",
                                             "w": 1700000000000, "W": 1700000005000,
                                             "X": "New", "T": 2}))
    assert isinstance(rfq, RfqUpdate)
    assert (rfq.rfq_id, rfq.client_id, rfq.expiry_time) == ("123", "5", 1700000005000)


def test_unknown_stream_kind_and_misfit_payload_become_unknown_events() -> None:
    unknown = decode(frame("stockPrice.NVDA", {"e": "stockPrice", "bid": "1", "ask": "2"}))
    assert isinstance(unknown, UnknownEvent)
    assert (unknown.stream, unknown.event_type, unknown.problem) == (
        "stockPrice.NVDA", "stockPrice", None
    )
    misfit = decode(frame("trade.SOL_USDC", {"e": "trade", "p": "not a number"}))
    assert isinstance(misfit, UnknownEvent)
    assert misfit.problem is not None and "p" in misfit.problem
    control = decode({"result": None, "id": 1})
    assert isinstance(control, UnknownEvent)
    assert control.stream == ""


def test_dispatch_is_on_the_stream_name_not_on_the_payload_type() -> None:
    # A depth variant and a payload whose "e" lies: the envelope decides.
    event = decode(frame("depth.1000ms.SOL_USDC", {"e": "trade", "U": 1, "u": 2}))
    assert isinstance(event, DepthUpdate)
    assert event.event_type == "trade"


def test_error_frames_decode_to_error_events() -> None:
    assert decode('{"id": null, "error": {"code": 4006, "message": "Invalid stream"}}') == (
        StreamErrorEvent(4006, "Invalid stream")
    )
    assert decode({"id": None, "error": {"code": "4003", "message": "Invalid signature"}}) == (
        StreamErrorEvent(4003, "Invalid signature")
    )


def test_decode_refuses_text_that_is_not_a_json_object() -> None:
    with pytest.raises(ValueError):
        decode("[1, 2]")
    with pytest.raises(ValueError):
        decode("{not json")
