"""How much the SDK adds per call, as ratios (run by hand; not part of the test suite).

    python tests/benchmarks/bench_overhead.py [--calls 2000]

1. CPU only, no network: the SDK's per-request work (validate the params, serialize once,
   sign, validate the answer) against a floor of building the same query and ``json.loads``
   of the same answer by hand.
2. Over loopback HTTP against the FakeExchange: ``client.markets.ticker`` and the signed
   ``client.capital.balances`` against raw ``aiohttp`` GETs of the same URLs on one session
   (the raw signed request reuses headers signed once, so it skips the signing cost).

Ratios near 1.0 in part 2 mean the SDK's cost disappears next to the HTTP round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp

from bpx_async import AsyncClient, RateLimiter
from bpx_async._pipeline import read_result
from bpx_async.endpoints import capital, markets
from bpx_async.testing import FakeExchange

_TICKER_BODY = (
    b'{"symbol":"SOL_USDC","firstPrice":"148.10","lastPrice":"150.50","priceChange":"2.40",'
    b'"priceChangePercent":"0.0162","high":"151.00","low":"147.90","volume":"12345.67",'
    b'"quoteVolume":"1850000.12","trades":"4321"}'
)


def _per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def cpu_only(calls: int) -> None:
    client = AsyncClient(api_secret="TDSkv44jf/iD/QCKkyCdixO+p1sfLXxk+PZH7mW/ams=")
    pipeline = client._pipeline

    def sdk_public() -> None:
        prepared = client.prepare(markets.TICKER, {"symbol": "SOL_USDC"})
        pipeline.auth_headers(markets.TICKER, prepared, pipeline.now_ms())
        read_result(markets.TICKER, 200, _TICKER_BODY, None)

    def sdk_signed() -> None:
        prepared = client.prepare(capital.BALANCES, None)
        pipeline.auth_headers(capital.BALANCES, prepared, pipeline.now_ms())

    def floor() -> None:
        query = [("symbol", "SOL_USDC")]
        "&".join(f"{k}={v}" for k, v in query)
        json.loads(_TICKER_BODY)

    for fn in (sdk_public, sdk_signed, floor):  # warm up adapters and caches
        fn()
    t_public, t_signed, t_floor = (_per_call(f, calls) for f in (sdk_public, sdk_signed, floor))
    print("CPU only (no network), per call:")
    print(f"  hand-built query + json.loads         {t_floor * 1e6:8.1f} us")
    print(f"  SDK ticker: validate+serialize+parse  {t_public * 1e6:8.1f} us")
    print(f"  SDK signed request: prepare + sign    {t_signed * 1e6:8.1f} us")


async def _time_pair(
    sdk: Callable[[], Awaitable[object]], raw: Callable[[], Awaitable[object]], calls: int
) -> tuple[list[float], list[float]]:
    """Alternate the two calls so that drift on a noisy machine hits both alike."""
    sdk_samples, raw_samples = [], []
    for _ in range(calls):
        for fn, samples in ((sdk, sdk_samples), (raw, raw_samples)):
            start = time.perf_counter()
            await fn()
            samples.append(time.perf_counter() - start)
    return sdk_samples, raw_samples


def _report(name: str, sdk: list[float], raw: list[float]) -> None:
    sdk_med, raw_med = statistics.median(sdk), statistics.median(raw)
    print(
        f"  {name:<22} raw {raw_med * 1e3:6.3f} ms   SDK {sdk_med * 1e3:6.3f} ms   "
        f"ratio SDK/raw {sdk_med / raw_med:5.2f}"
    )


async def loopback(calls: int) -> None:
    async with FakeExchange() as fx:
        _, secret = fx.add_account({"USDC": "1000"})
        async with (
            aiohttp.ClientSession() as session,
            # A budget far above the calls made: the limiter's bookkeeping runs, never a wait
            # (the default 2000/min would otherwise pace this loop, as it should a real bot).
            AsyncClient(
                api_secret=secret,
                base_url=fx.base_url,
                window=60_000,
                rate_limiter=RateLimiter(standard=1e9, standard_burst=10**6),
            ) as client,
        ):
            ticker_url = f"{fx.base_url}/api/v1/ticker?symbol=SOL_USDC"
            balances_url = f"{fx.base_url}/api/v1/capital"
            signer = client.signer
            assert signer is not None
            headers = signer.sign(
                "balanceQuery", None, timestamp=time.time_ns() // 1_000_000, window=60_000
            )

            async def raw_ticker() -> object:
                async with session.get(ticker_url) as r:
                    return json.loads(await r.read())

            async def raw_balances() -> object:
                async with session.get(balances_url, headers=headers) as r:
                    return json.loads(await r.read())

            async def sdk_ticker() -> object:
                return await client.markets.ticker("SOL_USDC")

            async def sdk_balances() -> object:
                return await client.capital.balances()

            await _time_pair(sdk_ticker, raw_ticker, 50)  # warm up connections and caches
            await _time_pair(sdk_balances, raw_balances, 50)
            print(f"Loopback HTTP against FakeExchange, median of {calls} interleaved calls:")
            _report("public ticker", *await _time_pair(sdk_ticker, raw_ticker, calls))
            _report("signed balances", *await _time_pair(sdk_balances, raw_balances, calls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    cpu_only(args.calls * 5)
    asyncio.run(loopback(args.calls))


if __name__ == "__main__":
    main()
