"""Does the FakeExchange stay as fast after 100,000 orders as when empty? (run by hand; prints
figures, asserts nothing)

    python tests/benchmarks/bench_fake.py [--orders 100000] [--calls 200]

The SDK client calls the fake over loopback HTTP in one event loop, as a bot under test does:
``history.orders(limit=10)``, ``orders.open(symbol)``, ``orders.get(symbol, client_id=...)``
and ``markets.ticker(symbol)``, first on a fresh exchange, then after the benchmarked account
has placed ``--orders`` orders: all of them filled against a peer on SOL_USDC (so the ticker's
24 h window holds as many trades), plus 10 orders left resting with client ids. It prints the
median per-call time of both rounds, their ratio, and the memory the engine keeps per order
(measured with tracemalloc while the orders are placed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from decimal import Decimal

from bpx_async import AsyncClient
from bpx_async.testing import FakeExchange
from bpx_async.testing._engine import OrderRequest

SYMBOL = "SOL_USDC"


async def _median_ms(call: Callable[[], Awaitable[object]], calls: int) -> float:
    for _ in range(5):  # warm up: connection, caches
        await call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        await call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def _measure(client: AsyncClient, calls: int) -> dict[str, float]:
    probes: dict[str, Callable[[], Awaitable[object]]] = {
        "history.orders(limit=10)": lambda: client.history.orders(limit=10),
        "orders.open(SOL_USDC)": lambda: client.orders.open(SYMBOL),
        "orders.get(client_id=)": lambda: client.orders.get(SYMBOL, client_id=5),
        "markets.ticker(SOL_USDC)": lambda: client.markets.ticker(SYMBOL),
    }
    return {name: await _median_ms(call, calls) for name, call in probes.items()}


def _fill_up(fx: FakeExchange, bot: str, orders: int) -> float:
    """Place ``orders`` filled orders for ``bot``; return the bytes retained per order."""
    engine = fx.engine
    peer, _ = fx.add_account({"USDC": "1", "SOL": str(orders + 10)})
    fx.fund(bot, "USDC", str(150 * (orders + 10)))
    price, quantity = Decimal("150.00"), Decimal("1.00")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(orders):
        engine.execute(peer, OrderRequest(SYMBOL, "Ask", "Limit", quantity, None, price))
        engine.execute(bot, OrderRequest(SYMBOL, "Bid", "Limit", quantity, None, price))
    retained = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # Two orders (the bot's and the peer's) and one trade per iteration.
    return retained / (2 * orders)


async def main(orders: int, calls: int) -> None:
    async with FakeExchange() as fx:
        api_key, secret = fx.add_account({"USDC": "100000"})
        for client_id in range(10):
            fx.engine.execute(
                api_key,
                OrderRequest(
                    SYMBOL, "Bid", "Limit", Decimal(1), None, Decimal(100), client_id=client_id
                ),
            )
        async with AsyncClient(api_key, secret, base_url=fx.base_url) as client:
            empty = await _measure(client, calls)
            started = time.perf_counter()
            per_order = _fill_up(fx, api_key, orders)
            fill_seconds = time.perf_counter() - started
            full = await _measure(client, calls)
    print(
        f"{orders:,} orders placed in {fill_seconds:.1f} s; engine memory ~{per_order:,.0f} B/order"
    )
    print(f"{'call':28} {'empty ms':>9} {'after ms':>9} {'ratio':>6}")
    for name, before in empty.items():
        after = full[name]
        print(f"{name:28} {before:9.2f} {after:9.2f} {after / before:6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.orders, arguments.calls))
