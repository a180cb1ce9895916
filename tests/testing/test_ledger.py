"""Tests of the fake exchange's constant-cost bookkeeping: paged history and rolling statistics,
each checked against the obvious (slow) computation."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async.testing._ledger import History, RollingStats

D = Decimal


def test_history_pages_newest_first_with_the_total_of_the_key() -> None:
    history: History[int] = History()
    for n in range(10):
        history.add(n, [("a",), ("a", "even" if n % 2 == 0 else "odd")])

    assert history.page(("a",), offset=0, limit=3) == ([9, 8, 7], 10)
    assert history.page(("a",), offset=8, limit=5) == ([1, 0], 10)
    assert history.page(("a",), offset=10, limit=5) == ([], 10)
    assert history.page(("a", "odd"), offset=1, limit=2) == ([7, 5], 5)
    assert history.page(("a", "odd"), offset=0, limit=2, ascending=True) == ([1, 3], 5)
    assert history.page(("b",), offset=0, limit=5) == ([], 0)


@settings(max_examples=80, deadline=None)
@given(
    times=st.lists(st.integers(0, 50), max_size=40).map(sorted),
    since=st.one_of(st.none(), st.integers(-5, 55)),
    until=st.one_of(st.none(), st.integers(-5, 55)),
    offset=st.integers(0, 45),
    limit=st.integers(1, 45),
    ascending=st.booleans(),
)
def test_history_time_range_pages_equal_filtering_everything(
    times: list[int],
    since: int | None,
    until: int | None,
    offset: int,
    limit: int,
    ascending: bool,
) -> None:
    history: History[int] = History(time=lambda t: t)
    for t in times:
        history.add(t, [("k",)])
    matching = [t for t in times if (since is None or t >= since) and (until is None or t <= until)]
    ordered = matching if ascending else matching[::-1]

    got = history.page(
        ("k",), offset=offset, limit=limit, ascending=ascending, since=since, until=until
    )

    assert got == (ordered[offset : offset + limit], len(matching))


def test_rolling_stats_forget_trades_older_than_the_window() -> None:
    stats = RollingStats(window_us=100)
    stats.add(0, D("10"), D("1"))
    stats.add(50, D("30"), D("2"))
    stats.add(90, D("20"), D("1"))

    early = stats.read(95)
    assert (early.first, early.last, early.high, early.low) == (D(10), D(20), D(30), D(10))
    assert (early.volume, early.quote_volume, early.trades) == (D(4), D(90), 3)

    later = stats.read(160)  # the trades at 0 and 50 are now over 100 us old
    assert (later.first, later.high, later.low, later.trades) == (D(20), D(20), D(20), 1)
    assert (later.volume, later.quote_volume) == (D(1), D(20))

    assert stats.read(1_000).trades == 0


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 50), st.integers(1, 5), st.booleans()),
        max_size=60,
    )
)
def test_rolling_stats_equal_a_recomputation_over_the_window(
    steps: list[tuple[int, int, int, bool]],
) -> None:
    stats = RollingStats(window_us=40)
    now = 0
    trades: list[tuple[int, Decimal, Decimal]] = []
    for advance, price, quantity, read in steps:
        now += advance
        stats.add(now, D(price), D(quantity))
        trades.append((now, D(price), D(quantity)))
        if read:
            window = [t for t in trades if t[0] > now - 40]
            got = stats.read(now)
            assert got.trades == len(window)
            assert got.first == window[0][1] and got.last == window[-1][1]
            assert got.high == max(p for _, p, _ in window)
            assert got.low == min(p for _, p, _ in window)
            assert got.volume == sum(q for _, _, q in window)
            assert got.quote_volume == sum(p * q for _, p, q in window)
