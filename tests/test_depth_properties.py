"""``Depth.best_bid`` / ``best_ask`` / ``mid`` / ``spread``: the touch of a book snapshot."""

from __future__ import annotations

from decimal import Decimal

from bpx_async.models.markets import Depth


def book(bids: list[tuple[str, str]], asks: list[tuple[str, str]]) -> Depth:
    return Depth.model_validate({"bids": bids, "asks": asks})


def test_best_prices_do_not_depend_on_the_order_of_the_levels() -> None:
    depth = book(
        bids=[("99.5", "1"), ("100.25", "2"), ("98", "3")],
        asks=[("101", "1"), ("100.75", "2"), ("102", "3")],
    )

    assert depth.best_bid == Decimal("100.25")
    assert depth.best_ask == Decimal("100.75")
    assert depth.mid == Decimal("100.5")
    assert depth.spread == Decimal("0.50")


def test_an_empty_side_gives_none_for_that_side_the_mid_and_the_spread() -> None:
    no_asks = book(bids=[("100", "1")], asks=[])
    empty = Depth.model_validate({"bids": None, "asks": None})

    assert (no_asks.best_bid, no_asks.best_ask) == (Decimal("100"), None)
    assert (no_asks.mid, no_asks.spread) == (None, None)
    assert (empty.best_bid, empty.best_ask, empty.mid, empty.spread) == (None, None, None, None)


def test_a_crossed_book_has_a_negative_spread() -> None:
    depth = book(bids=[("101", "1")], asks=[("100", "1")])

    assert depth.spread == Decimal("-1")
    assert depth.mid == Decimal("100.5")


def test_the_properties_stay_out_of_the_serialized_model() -> None:
    depth = book(bids=[("100", "1")], asks=[("101", "1")])

    assert set(depth.model_dump(by_alias=True)) == {"asks", "bids", "lastUpdateId", "timestamp"}
