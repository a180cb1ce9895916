"""Part 10: a bounded soak against the FakeExchange under random faults.

SOAK_REQUESTS calls at concurrency 100 (public and signed GETs, order placements) while the
exchange answers random 429s (with Retry-After), 503s, delays beyond the timeout, dropped
connections (before and after processing an order) and malformed bodies. Proven afterwards:
every call ended in a result or a typed BpxError; no order POST was sent twice (counted by
clientId at the exchange); no connection is left open; the client's memory stayed bounded; no
log line or exception text contains the secret or any signature that was sent.
Set BPX_SOAK_REQUESTS to change the count (default 20000).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import re
import time
import tracemalloc
from collections import Counter

import aiohttp
from faultkit import RESTING_BID, posts_by_client_id

from bpx_async import AsyncClient, BpxError, OutcomeUnknownError, RetryPolicy
from bpx_async.testing import FakeExchange

SOAK_REQUESTS = int(os.environ.get("BPX_SOAK_REQUESTS", "20000"))
CONCURRENCY = 100
_SIGNATURE = re.compile(r"[A-Za-z0-9+/]{86}==")


def _inject_random_faults(fx: FakeExchange) -> None:
    fx.faults.random.seed(20261203)
    add = fx.faults.add
    add("rate_limit", times=None, probability=0.03, retry_after=0.05)
    add("status", status=503, times=None, probability=0.03)
    add("delay", times=None, probability=0.003, seconds=1.5)
    add("drop", times=None, probability=0.02)
    add("malformed", times=None, probability=0.02, path="/api/v1/*")
    add("drop_after", times=None, probability=0.03, method="POST")
    add("delay_after", times=None, probability=0.005, method="POST", seconds=1.5)


#: Where the client allocates (memory allocated in C, e.g. by pydantic, is charged to the Python
#: line that called it). The fake exchange shares none of these files. signing.py is left out:
#: this test itself keeps every signature it saw.
_CLIENT_FILES = [
    tracemalloc.Filter(True, pattern)
    for pattern in (
        "*/bpx_async/_pipeline.py",
        "*/bpx_async/_ratelimit.py",
        "*/bpx_async/client.py",
        "*/bpx_async/resources/*",
        "*/aiohttp/client*.py",
        "*/aiohttp/connector.py",
    )
]


def _client_bytes_alive(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes allocated under a client frame since tracing started and still alive."""
    kept = snapshot.filter_traces(_CLIENT_FILES)
    return sum(stat.size for stat in kept.statistics("filename"))


class _LeakCheck(logging.Handler):
    """Checks each log line (and exception text) as it is produced, keeping nothing."""

    def __init__(self, secret: str, signatures: set[str]) -> None:
        super().__init__(logging.DEBUG)
        self.secret = secret
        self.signatures = signatures
        self.lines = 0
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += 1
        self.check(self.format(record))

    def check(self, text: str) -> None:
        if self.secret in text or self.signatures.intersection(_SIGNATURE.findall(text)):
            self.leaks.append(text[:200])


async def test_soak_under_random_faults(fx: FakeExchange, secret: str) -> None:
    _inject_random_faults(fx)
    signatures: set[str] = set()

    async def record_signature(
        session: aiohttp.ClientSession, ctx: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        signature = params.headers.get("X-Signature")
        if signature:
            signatures.add(signature)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(record_signature)
    logs = _LeakCheck(secret, signatures)
    logger = logging.getLogger("bpx_async")
    logger.addHandler(logs)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # pytest would keep every record of the run
    outcomes: Counter[str] = Counter()
    rng = random.Random(7)
    calls = iter(range(SOAK_REQUESTS))
    trace_from = SOAK_REQUESTS * 9 // 10
    retained = -1
    started = time.monotonic()
    try:
        async with (
            aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONCURRENCY), trace_configs=[trace]
            ) as session,
            AsyncClient(
                api_secret=secret,
                base_url=fx.base_url,
                session=session,
                timeout=1.0,
                rate_limiter=False,  # the fake has no budget; the limiter has its own tests
                retry=RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.2),
            ) as client,
        ):

            async def one_call(n: int) -> None:
                pick = rng.random()
                try:
                    if pick < 0.12:
                        await client.orders.execute(**RESTING_BID)
                    elif pick < 0.35:
                        await client.capital.balances()
                    elif pick < 0.6:
                        await client.markets.depth("SOL_USDC", limit=5)
                    elif pick < 0.8:
                        await client.markets.ticker("SOL_USDC")
                    else:
                        await client.system.status()
                    outcomes["ok"] += 1
                except BpxError as exc:  # anything else fails the test
                    kind = "unknown" if isinstance(exc, OutcomeUnknownError) else "error"
                    outcomes[f"{kind}:{type(exc).__name__}"] += 1
                    logs.check(f"{exc}\n{exc!r}\n{exc.args!r}")

            async def worker() -> None:
                for n in calls:
                    if n == trace_from:  # warmed up: trace what the client keeps from here on
                        gc.collect()
                        tracemalloc.start()
                    await one_call(n)

            await asyncio.wait_for(
                asyncio.gather(*(worker() for _ in range(CONCURRENCY))), timeout=110
            )
            gate = client._pipeline.session.gate
            assert gate is not None and not gate.waiters
            gc.collect()
            retained = _client_bytes_alive(tracemalloc.take_snapshot())
    finally:
        elapsed = time.monotonic() - started
        tracemalloc.stop()
        logger.removeHandler(logs)
        logger.setLevel(level)
        logger.propagate = True

    # Every call ended, in a result or a typed error.
    assert sum(outcomes.values()) == SOAK_REQUESTS
    assert outcomes["ok"] > SOAK_REQUESTS * 0.8
    # Zero duplicated order POSTs.
    posts = posts_by_client_id(fx)
    assert posts and max(posts.values()) == 1 and None not in posts
    # Zero connections open afterwards.
    server = fx._runner.server if fx._runner else None
    assert server is not None
    for _ in range(100):
        if not server.connections:
            break
        await asyncio.sleep(0.01)
    assert server.connections == []
    # Memory bounded: of what the client allocated during the last tenth of the run, almost
    # nothing is still held (the pool's up to 100 connections and their parsers at most), so
    # nothing grows per call.
    assert 0 <= retained < 1024 * 1024
    # No secret and no signature in any log line or exception text (every one was checked).
    assert len(signatures) > SOAK_REQUESTS * 0.2 and logs.lines > SOAK_REQUESTS
    assert logs.leaks == []
    print(
        f"\nsoak: {SOAK_REQUESTS} calls at concurrency {CONCURRENCY} in {elapsed:.1f} s; "
        f"{len(fx.requests)} HTTP requests; order POSTs {sum(posts.values())} "
        f"(max per clientId {max(posts.values())}); client memory still held from the last "
        f"{SOAK_REQUESTS - trace_from} calls: {retained / 1024:.1f} KiB; "
        f"log lines {logs.lines}; "
        f"outcomes {dict(outcomes.most_common())}"
    )
