"""Benchmark of the stream decoder and the local order book (run by hand, never in tests).

    python benchmarks/bench_streams.py [--frames 20000] [--deltas 50000] [--levels 1000]

Prints rates and ratios:
* frames decoded per second by ``bpx_async.streams.decode`` versus ``json.loads`` of the same
  frames (the typed, validated event costs this many times a bare parse);
* depth deltas applied per second by ``OrderBook.on_delta`` versus a bare loop that updates a
  dict of Decimal levels (no ordering, no sequencing, no best price), with the cost of reading
  best bid and ask after every delta for both (the bare dict has to scan for it);
* when ``sortedcontainers`` is installed, the same book storage built on ``SortedDict``, the
  alternative the package chose not to depend on.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from decimal import Decimal

from bpx_async.book import OrderBook
from bpx_async.models.markets import Depth
from bpx_async.streams import DepthUpdate, decode


def _frames(count: int) -> list[str]:
    rng = random.Random(7)
    frames = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            data = {"e": "depth", "E": 1754517402450016 + n, "s": "SOL_USDC", "U": n, "u": n,
                    "a": [[f"{150 + rng.randint(1, 50) / 100:.2f}", "3.5"]],
                    "b": [[f"{150 - rng.randint(1, 50) / 100:.2f}", "0"]], "T": 1754517402449000}
            stream = "depth.SOL_USDC"
        elif kind == 1:
            data = {"e": "trade", "E": 1754517402450016, "s": "SOL_USDC", "p": "150.01",
                    "q": "1.25", "b": "111", "a": "222", "t": n, "T": 1, "m": True}
            stream = "trade.SOL_USDC"
        elif kind == 2:
            data = {"e": "bookTicker", "E": 1, "s": "SOL_USDC", "a": "150.02", "A": "3",
                    "b": "149.98", "B": "4", "u": n, "T": 2}
            stream = "bookTicker.SOL_USDC"
        else:
            data = {"e": "orderFill", "E": 1, "s": "SOL_USDC", "c": 7, "S": "Bid", "o": "LIMIT",
                    "f": "GTC", "q": "2", "p": "150.01", "X": "PartiallyFilled", "i": str(n),
                    "t": n, "l": "1", "L": "150.01", "m": True, "n": "0.01", "N": "SOL",
                    "z": "1", "Z": "150.01", "V": "RejectTaker", "T": 2, "O": "USER"}
            stream = "account.orderUpdate"
        frames.append(json.dumps({"stream": stream, "data": data}))
    return frames


def _rate(work: Callable[[], None], count: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return count / best


def bench_decode(count: int) -> None:
    frames = _frames(count)
    typed = _rate(lambda: [decode(frame) for frame in frames], count)
    bare = _rate(lambda: [json.loads(frame) for frame in frames], count)
    print(f"decode:      {typed:12,.0f} frames/s")
    print(f"json.loads:  {bare:12,.0f} frames/s")
    print(f"ratio json.loads / decode = {bare / typed:.1f}x (typed events cost that much more)")


def _deltas(count: int, levels: int) -> tuple[Depth, list[DepthUpdate]]:
    rng = random.Random(11)
    tick = Decimal("0.01")
    mid = Decimal(150)
    snapshot = Depth.model_validate(
        {
            "asks": [[str(mid + tick * (i + 1)), "5"] for i in range(levels)],
            "bids": [[str(mid - tick * (i + 1)), "5"] for i in range(levels)],
            "lastUpdateId": "0",
        }
    )
    deltas = []
    for n in range(1, count + 1):
        offset = tick * rng.randint(1, levels + 50)
        quantity = "0" if rng.random() < 0.3 else str(rng.randint(1, 20))
        side = "a" if n % 2 else "b"
        price = mid + offset if side == "a" else mid - offset
        deltas.append(
            DepthUpdate.model_validate(
                {"stream": "depth.SOL_USDC", "U": n, "u": n, side: [[str(price), quantity]]}
            )
        )
    return snapshot, deltas


def bench_book(count: int, levels: int) -> None:
    snapshot, deltas = _deltas(count, levels)

    def run_book(read_top: bool) -> Callable[[], None]:
        def work() -> None:
            book = OrderBook("depth.SOL_USDC")
            book.on_snapshot(snapshot)
            for delta in deltas:
                book.on_delta(delta)
                if read_top:
                    _ = book.best_bid, book.best_ask
            assert book.is_live, book.resyncs

        return work

    def run_dict(read_top: bool) -> Callable[[], None]:
        def work() -> None:
            asks = {price: qty for price, qty in snapshot.asks}
            bids = {price: qty for price, qty in snapshot.bids}
            for delta in deltas:
                for side, changes in ((asks, delta.asks), (bids, delta.bids)):
                    for price, quantity in changes:
                        if quantity:
                            side[price] = quantity
                        else:
                            side.pop(price, None)
                if read_top:
                    _ = max(bids), min(asks)

        return work

    book_rate = _rate(run_book(False), count)
    dict_rate = _rate(run_dict(False), count)
    print(f"\nbook ({levels} levels a side):")
    print(f"OrderBook.on_delta:        {book_rate:12,.0f} deltas/s")
    print(f"bare dict of Decimals:     {dict_rate:12,.0f} deltas/s")
    print(f"ratio dict / OrderBook = {dict_rate / book_rate:.2f}x (sequencing, order, checks)")
    book_top = _rate(run_book(True), count)
    dict_top = _rate(run_dict(True), count, repeat=1)  # slow: one run is enough
    print("with best bid + ask read after every delta:")
    print(f"OrderBook:                 {book_top:12,.0f} deltas/s")
    print(f"bare dict (max/min scan):  {dict_top:12,.0f} deltas/s")
    print(f"ratio OrderBook / dict = {book_top / dict_top:.1f}x")
    try:
        from sortedcontainers import SortedDict
    except ImportError:
        print("(sortedcontainers not installed: SortedDict comparison skipped)")
        return

    def run_sorted() -> None:
        asks = SortedDict({price: qty for price, qty in snapshot.asks})
        bids = SortedDict({price: qty for price, qty in snapshot.bids})
        for delta in deltas:
            for side, changes in ((asks, delta.asks), (bids, delta.bids)):
                for price, quantity in changes:
                    if quantity:
                        side[price] = quantity
                    else:
                        side.pop(price, None)
            _ = bids.peekitem(-1) if bids else None, asks.peekitem(0) if asks else None

    sorted_rate = _rate(run_sorted, count)
    print(f"SortedDict storage + top:  {sorted_rate:12,.0f} deltas/s "
          f"(OrderBook / SortedDict = {book_top / sorted_rate:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20000)
    parser.add_argument("--deltas", type=int, default=50000)
    parser.add_argument("--levels", type=int, default=1000)
    args = parser.parse_args()
    bench_decode(args.frames)
    bench_book(args.deltas, args.levels)


if __name__ == "__main__":
    main()
