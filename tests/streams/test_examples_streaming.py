"""The streaming examples, run through their real entry points against the fake exchange
(``tests/test_examples.py`` checks every example's exit code and framing; this checks what
these two must show)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY_VARIABLES = ("BPX_API_KEY", "BPX_API_SECRET", "PUBLIC_KEY", "SECRET_KEY")


def run(name: str, tmp_path: Path) -> str:
    env = {key: value for key, value in os.environ.items() if key not in KEY_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_top_of_book_example_shows_live_books_for_three_markets(tmp_path: Path) -> None:
    out = run("top_of_book.py", tmp_path)
    assert "all books are LIVE" in out
    last_table = out.split("top of book, round 4")[1]
    for symbol in ("SOL_USDC", "BTC_USDC", "ETH_USDC"):
        assert f"{symbol}  LIVE" in last_table
    assert "resyncs: none" in out


def test_private_orders_example_sees_accept_cancel_and_fill_on_the_stream(
    tmp_path: Path,
) -> None:
    out = run("private_orders.py", tmp_path)
    for event in ("stream: orderAccepted", "stream: orderCancelled", "stream: orderFill"):
        assert event in out
    assert "(signed)" in out
