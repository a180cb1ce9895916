"""No-I/O micro loop over the CPU steps of a call: argument binding, the client facade hop,
request preparation (ticker query, order body) and decoding a ticker answer.

Run: ``python benchmarks/bench_calls.py``. Prints microseconds per step (best of 5 runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import timeit
from typing import Any

from bpx_async import AsyncClient
from bpx_async.bench import ORDER_PARAMS, _bodies
from bpx_async.endpoints import markets as mk
from bpx_async.endpoints import orders as od
from bpx_async.signing import Signer

TICKER_BODY = _bodies()["/api/v1/ticker"]


def _per_call(stmt: Any, number: int = 20000) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number * 1e6


async def main() -> None:
    secret = Signer.generate_secret() if hasattr(Signer, "generate_secret") else None
    kwargs: dict[str, Any] = {"api_key": None, "api_secret": secret} if secret else {}
    async with AsyncClient(**kwargs) as client:
        pipeline = client._pipeline

        class _Answered:
            """Stands for the pipeline: answers at once, so only the SDK's hops are timed."""

            async def request(self, endpoint: Any, params: Any = None, **_: Any) -> Any:
                return None

        def drive(coro: Any) -> None:
            with contextlib.suppress(StopIteration):
                coro.send(None)

        rows = {
            "ticker(): binding + facade hop": lambda: drive(client.markets.ticker("SOL_USDC")),
            "order execute(): binding + facade hop": lambda: drive(
                client.orders.execute(
                    "SOL_USDC", "Bid", "Limit", price="150.25", quantity="1.5", time_in_force="GTC"
                )
            ),
            "prepare ticker (cached)": lambda: pipeline.prepare(mk.TICKER, {"symbol": "SOL_USDC"}),
            "prepare order (validate + dump)": lambda: pipeline.prepare(
                od.EXECUTE, dict(ORDER_PARAMS)
            ),
            "decode ticker answer": lambda: mk.TICKER.decode_json(TICKER_BODY),
        }
        for name, stmt in rows.items():
            client._pipeline = _Answered() if name.startswith(("ticker", "order")) else pipeline  # type: ignore[assignment]
            us = _per_call(stmt)
            print(f"{name:40s} {us:6.2f} us")
        client._pipeline = pipeline


if __name__ == "__main__":
    asyncio.run(main())
