"""Smoke test of ``python -m bpx_async.bench``: it runs end to end and prints every row.

Only completion and the shape of the report are checked; no time or ratio is asserted.
"""

from __future__ import annotations

import pytest

from bpx_async import bench

_ROWS = {
    "ticker c=1": ("aiohttp", "bpx_async"),
    "ticker c=50": ("aiohttp", "bpx_async"),
    "depth500 c=1": ("aiohttp+Decimal", "aiohttp", "bpx_async"),
    "order c=50": ("aiohttp+Signer", "bpx_async"),
    "reprice c=50": ("aiohttp+Signer", "bpx_async"),
    "klines1000 c=1": ("aiohttp+Decimal", "aiohttp", "bpx_async"),
    "fills1000 c=1": ("aiohttp+Signer+Decimal", "bpx_async"),
}


def test_bench_runs_against_its_child_server_and_prints_every_workload_and_client(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench.main(["--repeats", "1", "--scale", "0.002"])
    out = capsys.readouterr().out
    assert "server: child process at http://127.0.0.1:" in out
    for workload, clients in _ROWS.items():
        printed = [
            line[16:40].strip() for line in out.splitlines() if line[:16].strip() == workload
        ]
        assert printed == list(clients), workload
    # The rows with a target carry a verdict; the reference rows carry no ratio.
    verdicts = [line for line in out.splitlines() if line.rstrip().endswith(("ok", "BELOW"))]
    assert len(verdicts) == 4


_LADDER = {
    "ladder ticker c=50": (
        "aiohttp",
        "+SDK session, URL",
        "+Ticker model",
        "+prepared cache",
        "+limiter, gate",
        "bpx_async",
    ),
    "ladder order c=50": (
        "aiohttp+Signer",
        "+SDK session",
        "+PlacedOrder model",
        "+validated body",
        "bpx_async",
    ),
}


def test_the_ladder_prints_one_row_per_layer_from_bare_aiohttp_to_bpx_async(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench.main(["--ladder", "--repeats", "1", "--scale", "0.002"])
    lines = capsys.readouterr().out.splitlines()
    for workload, rungs in _LADDER.items():
        printed = [line[19:43].strip() for line in lines if line.startswith(workload + " ")]
        assert printed == list(rungs), workload
    assert any(line.startswith("ladder ticker c=1 ") for line in lines)
    assert not any(line.rstrip().endswith(("ok", "BELOW")) for line in lines)  # no targets


def test_bench_refuses_a_repeat_count_below_one() -> None:
    with pytest.raises(SystemExit):
        bench.main(["--repeats", "0"])
