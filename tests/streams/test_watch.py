"""``bpx watch`` through its real entry point (``python -m bpx_async``) against the fake exchange
running as its own process (``python -m bpx_async.testing``)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from stream_support import hard_timeout, market

from bpx_async import AsyncClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")


@dataclass
class Fake:
    base_url: str
    ws_url: str
    api_key: str
    secret: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.fixture(scope="module")
def fake_process() -> Iterator[Fake]:
    """One fake exchange process for the module's tests (each test uses fresh watchers)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bpx_async.testing", "--port", "0", "--account"],
        stdout=subprocess.PIPE, text=True, env=_env(),
    )
    try:
        assert process.stdout is not None
        values = [process.stdout.readline().strip().rsplit(" ", 1)[-1] for _ in range(4)]
        yield Fake(*values)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if it hangs
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


async def _watch(fake: Fake, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bpx_async", "watch", *args,
        "--base-url", fake.base_url, "--ws-url", fake.ws_url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=_env(),
    )


async def _interrupt(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    assert process.stderr is not None
    stderr = await asyncio.wait_for(process.stderr.read(), 20)
    return await asyncio.wait_for(process.wait(), 20), stderr.decode()


@hard_timeout(60)
async def test_watch_trades_json_prints_one_line_per_trade_and_ctrl_c_exits_130(
    fake_process: Fake,
) -> None:
    watch = await _watch(fake_process, "trades", "SOL_USDC", "--json")
    try:
        assert watch.stdout is not None
        async with AsyncClient(
            fake_process.api_key, fake_process.secret, base_url=fake_process.base_url
        ) as client:
            line = b""
            for _ in range(50):  # trade until the watcher (subscribing meanwhile) prints one
                await market(client, "SOL_USDC", "Bid", "1")
                try:
                    line = await asyncio.wait_for(watch.stdout.readline(), 0.5)
                    break
                except asyncio.TimeoutError:
                    continue
        event = json.loads(line)
        assert (event["stream"], event["symbol"], Decimal(event["quantity"])) == (
            "trade.SOL_USDC", "SOL_USDC", Decimal(1)
        )
    finally:
        code, stderr = await _interrupt(watch)
    assert code == 130
    assert "Traceback" not in stderr


@hard_timeout(60)
async def test_watch_depth_shows_the_top_of_book_of_each_symbol(fake_process: Fake) -> None:
    watch = await _watch(fake_process, "depth", "SOL_USDC", "BTC_USDC", "--json")
    live: dict[str, dict[str, str]] = {}
    try:
        assert watch.stdout is not None
        while len(live) < 2:
            row = json.loads(await asyncio.wait_for(watch.stdout.readline(), 20))
            if row["state"] == "LIVE":
                live[row["symbol"]] = row
    finally:
        code, stderr = await _interrupt(watch)
    assert Decimal(live["SOL_USDC"]["bid"]) < Decimal(live["SOL_USDC"]["ask"])
    assert Decimal(live["BTC_USDC"]["spread"]) > 0
    assert code == 130 and "Traceback" not in stderr


@hard_timeout(60)
async def test_watch_ticker_text_stops_after_count(fake_process: Fake) -> None:
    watch = await _watch(fake_process, "ticker", "SOL_USDC", "--count", "1")
    assert watch.stdout is not None
    out = await asyncio.wait_for(watch.stdout.read(), 30)
    assert await asyncio.wait_for(watch.wait(), 20) == 0
    assert out.decode().startswith("SOL_USDC  last 150")
