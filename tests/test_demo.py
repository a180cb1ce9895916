"""``python -m bpx_async demo`` as a subprocess: offline against its own fake exchange, and the
``--live`` (public data only) path pointed at a FakeExchange served by this test process.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

from bpx_async.testing import FakeExchange

ROOT = Path(__file__).resolve().parents[1]
KEY_VARIABLES = ("BPX_API_KEY", "BPX_API_SECRET", "PUBLIC_KEY", "SECRET_KEY")
#: Far above the 2-3 s the demos are asked to run: only a hang trips it.
RUN_TIMEOUT = 60


async def run_demo(cwd: Path, *args: str) -> tuple[int, str, str]:
    env = {name: value for name, value in os.environ.items() if name not in KEY_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bpx_async",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def summary_number(text: str, label: str) -> int:
    match = re.search(rf"^\s+{label}: (\d+)", text, re.MULTILINE)
    assert match, f"no '{label}:' line in:\n{text}"
    return int(match.group(1))


async def test_offline_demo_trades_and_ends_with_a_summary(tmp_path: Path) -> None:
    code, out, err = await run_demo(tmp_path, "demo", "--duration", "3")

    assert code == 0, err
    assert "Traceback" not in out + err
    # Progress while running: at least one line per second of the run, before the summary.
    progress = [line for line in out.splitlines() if re.match(r"\[\s*\d+\.\ds\]", line)]
    assert len(progress) >= 2
    assert summary_number(out, "requests") > 0
    assert summary_number(out, "errors") == 0
    assert re.search(r"latency p50: \d+\.\d+ ms, p99: \d+\.\d+ ms", out)
    orders = re.search(r"orders: (\d+) placed, (\d+) amended, (\d+) cancelled; fills: (\d+)", out)
    assert orders, out
    placed, amended, cancelled, fills = map(int, orders.groups())
    assert placed > 0 and amended > 0 and cancelled > 0 and fills > 0
    assert "latest fills" in out and "balances" in out
    # Orders went through the tracker while the fake lost answers and dropped the socket.
    tracker = re.search(r"^\s+tracker: (\d+) orders; faults injected: (.+)$", out, re.MULTILINE)
    assert tracker, out
    assert int(tracker.group(1)) > 0
    assert "timeout after send" in tracker.group(2) and "dropped socket" in tracker.group(2)
    resolved = re.search(r"resolved after faults: (\d+) of (\d+) orders whose answer was lost", out)
    assert resolved, out
    assert int(resolved.group(2)) > 0 and resolved.group(1) == resolved.group(2)


async def test_offline_demo_json_prints_only_the_summary_on_stdout(tmp_path: Path) -> None:
    code, out, err = await run_demo(tmp_path, "--json", "demo", "--duration", "2", "--symbols", "2")

    assert code == 0, err
    report = json.loads(out)
    assert report["mode"] == "fake"
    assert len(report["symbols"]) == 2
    assert report["requests"] > 0 and report["errors"] == 0
    assert report["p50_ms"] <= report["p99_ms"]
    assert report["faults_injected"] > 0
    unknown = report["orders_unknown_after_faults"]
    assert unknown > 0 and report["orders_resolved_after_faults"] == unknown
    assert "summary" in err  # the human-readable output went to stderr


async def test_live_mode_polls_public_data_of_the_given_base_url(tmp_path: Path) -> None:
    async with FakeExchange() as exchange:
        code, out, err = await run_demo(
            tmp_path, "demo", "--live", "--base-url", exchange.base_url, "--duration", "2"
        )
        paths = {request.path for request in exchange.requests}

    assert code == 0, err
    assert summary_number(out, "requests") > 0
    assert summary_number(out, "errors") == 0
    assert {"/api/v1/markets", "/api/v1/tickers", "/api/v1/ticker", "/api/v1/depth"} <= paths
    # Public data only: no order was placed and nothing was signed.
    assert not [path for path in paths if path.startswith(("/api/v1/order", "/wapi/"))]
    sent_headers = {name.lower() for request in exchange.requests for name in request.headers}
    assert "x-signature" not in sent_headers and "x-api-key" not in sent_headers
