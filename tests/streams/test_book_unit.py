"""``OrderBook``'s sync machine without any I/O: snapshots and deltas fed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpx_async.book import BookState, OrderBook
from bpx_async.models.markets import Depth
from bpx_async.streams import BookNotReadyError, DepthUpdate, InvalidStreamError

D = Decimal


def delta(
    first: int, last: int, asks: list[list[str]] | None = None, bids: list[list[str]] | None = None
) -> DepthUpdate:
    return DepthUpdate.model_validate(
        {"stream": "depth.SOL_USDC", "U": first, "u": last, "a": asks or [], "b": bids or []}
    )


def snapshot(last_id: int) -> Depth:
    return Depth.model_validate(
        {
            "asks": [["18.70", "5"], ["18.80", "6"]],
            "bids": [["18.50", "3"], ["18.60", "4"]],
            "lastUpdateId": str(last_id),
        }
    )


def live_book(last_id: int = 100) -> OrderBook:
    book = OrderBook("depth.SOL_USDC")
    book.on_delta(delta(last_id, last_id))  # older than the snapshot: dropped
    assert book.on_snapshot(snapshot(last_id)) == "live"
    return book


def test_zero_in_any_form_removes_a_level_and_equal_decimals_are_one_level() -> None:
    book = live_book()
    book.on_delta(delta(101, 101, asks=[["18.7", "7.50"]]))  # "18.7" is the "18.70" level
    assert book.best_ask == (D("18.70"), D("7.5"))
    assert len(list(book.asks())) == 2
    book.on_delta(delta(102, 102, asks=[["18.700", "0.000"]], bids=[["18.60", "0"]]))
    assert book.best_ask == (D("18.80"), D(6))
    assert book.best_bid == (D("18.50"), D(3))
    book.on_delta(delta(103, 103, bids=[["18.5", "0.00"], ["18.55", "1"]]))
    assert list(book.bids()) == [(D("18.55"), D(1))]


def test_reading_a_book_that_is_not_live_raises_and_the_or_none_accessors_return_none() -> None:
    book = OrderBook("depth.SOL_USDC")
    assert book.state is BookState.SYNCING
    with pytest.raises(BookNotReadyError, match="SYNCING"):
        _ = book.best_bid
    with pytest.raises(BookNotReadyError):
        book.top(5)
    assert book.best_bid_or_none() is None and book.best_ask_or_none() is None


def test_snapshot_inside_the_first_delta_straddles_and_goes_live() -> None:
    book = OrderBook("depth.SOL_USDC")
    book.on_delta(delta(99, 103, asks=[["18.70", "1"]]))
    book.on_delta(delta(104, 104, bids=[["18.61", "2"]]))
    assert book.wants_snapshot
    assert book.on_snapshot(snapshot(101)) == "live"  # 99 <= 102 <= 103
    assert book.last_update_id == 104
    assert book.best_ask == (D("18.70"), D(1))
    assert book.best_bid == (D("18.61"), D(2))
    assert sum(book.resyncs.values()) == 0


def test_deltas_older_than_the_snapshot_are_dropped() -> None:
    book = OrderBook("depth.SOL_USDC")
    book.on_delta(delta(90, 95, asks=[["18.70", "99"]]))
    book.on_delta(delta(96, 100, asks=[["18.70", "98"]]))
    assert book.on_snapshot(snapshot(100)) == "live"
    assert book.best_ask == (D("18.70"), D(5))  # the snapshot's, not the old deltas'
    book.on_delta(delta(101, 102, asks=[["18.70", "4"]]))  # the first live one straddles 101
    assert book.best_ask == (D("18.70"), D(4))


def test_a_snapshot_older_than_the_buffer_is_stale() -> None:
    book = OrderBook("depth.SOL_USDC")
    book.on_delta(delta(110, 111))
    assert book.on_snapshot(snapshot(100)) == "stale"
    assert (book.state, book.stale_snapshots, book.wants_snapshot) == (BookState.SYNCING, 1, True)
    assert book.on_snapshot(snapshot(109)) == "live"


def test_duplicates_are_ignored_and_a_gap_resyncs() -> None:
    book = live_book()
    book.on_delta(delta(101, 102, bids=[["18.65", "1"]]))
    version = book.version
    book.on_delta(delta(101, 102, bids=[["18.65", "9"]]))  # duplicate
    assert (book.version, book.best_bid) == (version, (D("18.65"), D(1)))
    book.on_delta(delta(104, 104))  # 103 is missing
    assert book.state is BookState.RESYNCING
    assert book.resyncs == {"gap": 1}
    assert book.wants_snapshot  # the gapped delta is kept for the next sync


def test_a_crossed_book_resyncs() -> None:
    book = live_book()
    book.on_delta(delta(101, 101, bids=[["18.75", "1"]]))  # above the best ask 18.70
    assert book.state is BookState.RESYNCING
    assert book.resyncs == {"crossed": 1}
    assert not book.wants_snapshot  # waits for the next delta before fetching


def test_top_mid_spread_and_the_known_range() -> None:
    book = live_book()
    bids, asks = book.top(1)
    assert (bids, asks) == ([(D("18.60"), D(4))], [(D("18.70"), D(5))])
    assert book.top(5)[0] == [(D("18.60"), D(4)), (D("18.50"), D(3))]
    assert (book.mid, book.spread) == (D("18.65"), D("0.10"))
    assert (book.known_bid_floor, book.known_ask_ceiling) == (D("18.50"), D("18.80"))


def test_a_full_buffer_restarts_the_sync() -> None:
    book = OrderBook("depth.SOL_USDC", max_buffer=3)
    for n in range(1, 5):
        book.on_delta(delta(n, n))
    assert book.resyncs == {"overflow": 1}
    assert book.first_buffered is not None and book.first_buffered.first_update_id == 4


def test_only_depth_streams_make_books() -> None:
    with pytest.raises(InvalidStreamError):
        OrderBook("trade.SOL_USDC")
    assert OrderBook("depth.200ms.SOL_USDC").symbol == "SOL_USDC"


# --- properties -------------------------------------------------------------------------------


#: One level change: (side, ticks from the mid, quantity; 0 removes the level).
_change = st.tuples(
    st.sampled_from("ab"), st.integers(1, 12), st.sampled_from(["0", "0.00", "1", "2.5", "7"])
)


def _messages(changes: list[tuple[str, int, str]], cuts: list[int]) -> list[DepthUpdate]:
    """Split ``changes`` into contiguous messages (one update id per change), like the engine."""
    messages, start, next_id = [], 0, 101
    bounds = sorted({c % (len(changes) + 1) for c in cuts} | {len(changes)})
    for end in bounds:
        if end <= start:
            continue
        group = changes[start:end]
        asks = [[str(D("18.65") + D("0.01") * t), q] for side, t, q in group if side == "a"]
        bids = [[str(D("18.65") - D("0.01") * t), q] for side, t, q in group if side == "b"]
        messages.append(delta(next_id, next_id + len(group) - 1, asks=asks, bids=bids))
        next_id += len(group)
        start = end
    return messages


def _reference(changes: list[tuple[str, int, str]]) -> tuple[dict[D, D], dict[D, D]]:
    asks = {D("18.70"): D(5), D("18.80"): D(6)}
    bids = {D("18.50"): D(3), D("18.60"): D(4)}
    for side, ticks, quantity in changes:
        levels = asks if side == "a" else bids
        price = D("18.65") + D("0.01") * ticks if side == "a" else D("18.65") - D("0.01") * ticks
        if D(quantity):
            levels[price] = D(quantity)
        else:
            levels.pop(price, None)
    return asks, bids


@settings(max_examples=150, deadline=None)
@given(st.lists(_change, min_size=1, max_size=40), st.lists(st.integers(0, 60), max_size=10),
       st.lists(st.integers(0, 60), max_size=5))
def test_contiguous_messages_with_duplicates_rebuild_the_reference_book(
    changes: list[tuple[str, int, str]], cuts: list[int], repeats: list[int]
) -> None:
    book = live_book(100)
    messages = _messages(changes, cuts)
    for index, message in enumerate(messages):
        book.on_delta(message)
        if index in repeats:
            book.on_delta(message)  # a duplicate changes nothing
    asks, bids = _reference(changes)
    assert book.is_live
    assert list(book.asks()) == sorted(asks.items())
    assert list(book.bids()) == sorted(bids.items(), reverse=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(_change, min_size=2, max_size=40), st.lists(st.integers(0, 60), max_size=10),
       st.integers(0, 60))
def test_a_lost_message_is_always_detected_before_the_book_is_read_again(
    changes: list[tuple[str, int, str]], cuts: list[int], lost: int
) -> None:
    book = live_book(100)
    messages = _messages(changes, cuts)
    assume(len(messages) >= 2)
    lost %= len(messages) - 1  # any message but the last (a later one reveals the gap)
    for index, message in enumerate(messages):
        if index != lost:
            book.on_delta(message)
    assert not book.is_live
    assert book.resyncs == {"gap": 1}
