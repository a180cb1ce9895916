"""Every runnable example in ``examples/`` runs to completion offline, with no arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(
    path for path in (ROOT / "examples").glob("*.py") if not path.name.startswith("_")
)
KEY_VARIABLES = ("BPX_API_KEY", "BPX_API_SECRET", "PUBLIC_KEY", "SECRET_KEY")
#: Far above the few seconds each example takes: only a hang trips it.
RUN_TIMEOUT = 60


def test_the_examples_are_all_collected() -> None:
    assert {path.stem for path in EXAMPLES} >= {
        "market_data",
        "market_maker",
        "batch_orders",
        "history_pagination",
        "client_id_reconcile",
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_offline_and_exits_0(example: Path, tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name not in KEY_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))

    # subprocess.run kills the example if it outlives the timeout.
    done = subprocess.run(
        [sys.executable, str(example)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "running against an in-process fake exchange" in done.stdout
    assert done.stdout.rstrip().endswith("done")


def test_every_example_explains_itself_in_its_docstring() -> None:
    for example in EXAMPLES:
        source = example.read_text(encoding="utf-8")
        assert source.startswith('"""'), example.name
        docstring = source.split('"""')[1]
        assert f"python examples/{example.name}" in docstring, example.name
        assert "--live" in docstring, example.name
