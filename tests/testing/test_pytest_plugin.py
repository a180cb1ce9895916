"""The pytest plugin: a user's test gets a running FakeExchange and a signed client from
fixtures alone, through the installed entry point or ``pytest_plugins``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

PLUGIN = "bpx_async.testing.pytest_plugin"

USER_TESTS = """
from decimal import Decimal

import pytest

{plugins_line}
pytestmark = pytest.mark.asyncio  # pytest-asyncio in strict mode: nothing is automatic


async def test_bot_buys(fake_exchange, fake_client):
    order = await fake_client.orders.execute("SOL_USDC", "Bid", "Market", quantity="1")
    assert order.status == "Filled"
    assert fake_exchange.running


@pytest.mark.fake_exchange(balances={{"USDC": "5", "SOL": "1"}}, rate_limits=True)
async def test_the_marker_sets_balances_and_exchange_options(fake_exchange, fake_client):
    assert fake_exchange.rate_limits.enabled
    balances = await fake_client.capital.balances()
    assert (balances["USDC"].available, balances["SOL"].available) == (Decimal(5), Decimal(1))
"""


def run_user_suite(folder: Path, plugins_line: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_user_bot.py").write_text(USER_TESTS.format(plugins_line=plugins_line))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "error",
        "-o",
        "asyncio_mode=strict",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        str(folder),
    ]
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_plugin_is_declared_as_a_pytest_entry_point() -> None:
    names = {(ep.name, ep.value) for ep in entry_points(group="pytest11")}
    # Named by its module path, so an explicit pytest_plugins line does not load it twice.
    assert (PLUGIN, PLUGIN) in names


def test_a_user_suite_uses_the_fixtures_without_writing_any(tmp_path: Path) -> None:
    # The entry point loads the plugin; the explicit line (for setups that disable plugin
    # autoloading) must then be harmless.
    result = run_user_suite(tmp_path, f"pytest_plugins = [{PLUGIN!r}]")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
