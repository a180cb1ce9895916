"""What @operation adds per call, as a ratio (run by hand; not part of the test suite).

    python tests/benchmarks/bench_declare.py [--calls 50000]

Compares a decorated, signature-only resource method with the same method written out by hand
(a dict echoing every argument), both over a stand-in client whose ``request`` does nothing, so
only the argument-to-parameter step differs. Interleaved rounds; the best round of each counts.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from bpx_async.endpoints import markets as ep
from bpx_async.models.enums import KlineInterval
from bpx_async.models.markets import Kline
from bpx_async.resources._base import Resource, operation


class _NoNetwork:
    async def request(self, endpoint: Any, params: Any = None) -> Any:
        return params


class _ByHand(Resource):
    async def klines(
        self,
        symbol: str,
        interval: KlineInterval | str,
        start_time: int,
        *,
        end_time: int | None = None,
        price_type: str | None = None,
    ) -> list[Kline]:
        params = {
            "symbol": symbol,
            "interval": interval,
            "start_time": start_time,
            "end_time": end_time,
            "price_type": price_type,
        }
        result: list[Kline] = await self._client.request(ep.KLINES, params)
        return result


class _Declared(Resource):
    @operation(ep.KLINES)
    async def klines(
        self,
        symbol: str,
        interval: KlineInterval | str,
        start_time: int,
        *,
        end_time: int | None = None,
        price_type: str | None = None,
    ) -> list[Kline]:
        """Candles."""


async def _per_call(resource: _ByHand | _Declared, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await resource.klines("SOL_USDC", "1m", 1, end_time=2)
    return (time.perf_counter() - start) / calls


async def main(calls: int) -> None:
    by_hand, declared = _ByHand(_NoNetwork()), _Declared(_NoNetwork())  # type: ignore[arg-type]
    hand_times, declared_times = [], []
    for _ in range(7):
        hand_times.append(await _per_call(by_hand, calls))
        declared_times.append(await _per_call(declared, calls))
    hand, decl = min(hand_times), min(declared_times)
    print(f"hand-written echo dict   {hand * 1e6:6.2f} us/call")
    print(f"@operation               {decl * 1e6:6.2f} us/call")
    added = (decl - hand) * 1e6
    print(f"ratio declared/by hand   {decl / hand:6.2f}  (adds {added:.2f} us a call)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    asyncio.run(main(parser.parse_args().calls))
