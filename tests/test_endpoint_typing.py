"""Types that cannot lie: mypy refuses an endpoint record whose annotation disagrees with its
response type, and a resource method whose return annotation disagrees with its record.

Runs mypy (the dev extra installs it) on a small snippet, in a subprocess with the project's
config; a cold run takes a few seconds.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SNIPPET = """\
from bpx_async.endpoints import Endpoint
from bpx_async.models.markets import Depth, Ticker, TickerRequest
from bpx_async.resources._base import Resource, operation

GOOD: Endpoint[Ticker] = Endpoint(
    name="markets.good", docs=("Markets", "get_ticker"), method="GET", path="/api/v1/ticker",
    instruction=None, request=TickerRequest, response=Ticker,
)
BAD: Endpoint[Depth] = Endpoint(
    name="markets.bad", docs=("Markets", "get_ticker"), method="GET", path="/api/v1/ticker",
    instruction=None, request=TickerRequest, response=Ticker,  # wrong record
)


class Quotes(Resource):
    @operation(GOOD)
    async def good(self, symbol: str) -> Ticker:
        \"\"\"Agrees with its record.\"\"\"

    @operation(GOOD)  # wrong method
    async def bad(self, symbol: str) -> Depth:
        \"\"\"Promises a Depth from a Ticker record.\"\"\"
"""


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (it comes with the dev extra)",
)
def test_mypy_refuses_records_and_methods_whose_types_disagree(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--disable-error-code",
            "empty-body",
            str(snippet),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    errors = sorted(
        (int(line.split(":")[1]), line.rsplit("[", 1)[-1].rstrip("]"))
        for line in result.stdout.splitlines()
        if ": error:" in line
    )
    lines = SNIPPET.splitlines()
    wrong_record = next(n for n, text in enumerate(lines, 1) if "# wrong record" in text)
    wrong_method = next(n for n, text in enumerate(lines, 1) if "# wrong method" in text)
    # Exactly the two disagreements, nothing on the record and the method that agree.
    expected = [(wrong_record, "arg-type"), (wrong_method, "arg-type")]
    assert errors == expected, result.stdout + result.stderr
    assert 'incompatible type "type[Ticker]"; expected "type[Depth]"' in result.stdout
    assert result.returncode == 1
