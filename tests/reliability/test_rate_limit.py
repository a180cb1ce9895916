"""Part 5: client-side budgets (2000/min standard, 30/min historical), first come first served,
waited before signing, shared by views and by clients given the same limiter, paused by a 429."""

from __future__ import annotations

import asyncio
import time
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpx_async import AsyncClient, RateLimiter, RateLimitError
from bpx_async._ratelimit import Budget
from bpx_async.testing import FakeExchange


class _FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _FakeTime:
    fake = _FakeTime()
    monkeypatch.setattr("bpx_async._ratelimit._monotonic", fake)
    return fake


def test_a_budget_lets_a_burst_through_then_spaces_requests(clock: _FakeTime) -> None:
    budget = Budget(60, burst=3)  # one a second, three back to back
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert [budget.reserve() for _ in range(3)] == [1.0, 2.0, 3.0]  # in order of asking
    clock.now += 10  # idle: the burst is available again
    assert [budget.reserve() for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]


def test_the_documented_defaults(clock: _FakeTime) -> None:
    limiter = RateLimiter()
    assert limiter.standard.per_minute == 2000 and limiter.historical.per_minute == 30
    waits = [limiter.historical.reserve() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] == pytest.approx(2.0)


def test_a_pause_holds_everyone_until_it_ends(clock: _FakeTime) -> None:
    budget = Budget(6000, burst=100)
    budget.pause(5)
    assert budget.reserve() == 5.0
    clock.now += 5
    assert budget.reserve() == 0.0


def test_budgets_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        Budget(0)
    with pytest.raises(ValueError):
        Budget(10, burst=0)


async def test_historical_routes_spend_their_own_budget(fx: FakeExchange) -> None:
    limiter = RateLimiter(standard=60_000, historical=600, historical_burst=1)  # 10/s
    async with AsyncClient(base_url=fx.base_url, rate_limiter=limiter) as client:
        started = time.monotonic()
        await asyncio.gather(*(client.markets.ticker("SOL_USDC") for _ in range(20)))
        standard = time.monotonic() - started
        started = time.monotonic()
        await asyncio.gather(*(client.trades.history("SOL_USDC") for _ in range(4)))
        historical = time.monotonic() - started
    assert historical >= 0.3  # 4 requests at 10/s after the first: 0.3 s at least
    assert standard < historical


async def test_views_and_clients_given_one_limiter_share_it(fx: FakeExchange, secret: str) -> None:
    limiter = RateLimiter(standard=150, standard_burst=1)  # one every 0.4 s
    async with (
        AsyncClient(base_url=fx.base_url, rate_limiter=limiter) as one,
        AsyncClient(api_secret=secret, base_url=fx.base_url, rate_limiter=limiter) as two,
    ):
        assert one.with_options(timeout=2).rate_limiter is limiter
        started = time.monotonic()
        await asyncio.gather(
            one.system.status(),
            one.with_options(timeout=2).system.status(),
            two.capital.balances(),
            two.capital.balances(),
        )
        assert time.monotonic() - started >= 1.1
    # The wait came before signing: each signature is fresh when it reaches the exchange (the
    # last one waited 1.2 s for its turn).
    signed = [r for r in fx.requests if "X-Timestamp" in r.headers]
    assert len(signed) == 2
    for request in signed:
        assert request.received_ms - int(request.headers["X-Timestamp"]) < 600


async def test_a_429_pauses_the_budget_until_retry_after(fx: FakeExchange, secret: str) -> None:
    fx.faults.add("rate_limit", path="/api/v1/order", method="POST", retry_after=0.5)
    async with AsyncClient(api_secret=secret, base_url=fx.base_url) as client:
        with pytest.raises(RateLimitError):  # a write is not retried
            await client.orders.execute("SOL_USDC", "Bid", "Limit", price="1", quantity="1")
        started = time.monotonic()
        await client.system.status()
        assert time.monotonic() - started >= 0.45


def test_the_limiter_can_be_disabled() -> None:
    assert AsyncClient(rate_limiter=False).rate_limiter is None
    assert isinstance(AsyncClient().rate_limiter, RateLimiter)


@settings(max_examples=200, deadline=None)
@given(
    per_minute=st.integers(min_value=1, max_value=5000),
    burst=st.integers(min_value=1, max_value=50),
    gaps=st.lists(st.floats(min_value=0, max_value=5), min_size=1, max_size=80),
)
def test_no_schedule_ever_exceeds_the_rate_plus_the_burst_and_order_is_kept(
    per_minute: int, burst: int, gaps: list[float]
) -> None:
    fake = _FakeTime()
    with patch("bpx_async._ratelimit._monotonic", fake):
        budget = Budget(per_minute, burst=burst)
        sent: list[float] = []
        for gap in gaps:
            fake.now += gap
            sent.append(fake.now + budget.reserve())
    interval = 60 / per_minute
    assert sent == sorted(sent)  # first come, first served
    for i in range(len(sent)):
        for j in range(i + burst, len(sent)):
            # Beyond the burst, requests are at least one interval apart on average.
            assert sent[j] - sent[i] >= (j - i - burst + 1) * interval - 1e-6


def _reference_reserve(
    state: dict[str, float], now: float, interval: float, tolerance: float
) -> float:
    """Budget.reserve as one formula (no fast path): the pause bounds both the slot and the wait."""
    due = max(state["next"], now, state["paused_until"])
    state["next"] = due + interval
    return max(due - tolerance - now, state["paused_until"] - now, 0.0)


@settings(max_examples=300, deadline=None)
@given(
    per_minute=st.integers(min_value=1, max_value=5000),
    burst=st.integers(min_value=1, max_value=20),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["reserve", "pause"]),
            st.floats(min_value=0, max_value=3),  # time passing before the step
            st.floats(min_value=0, max_value=10),  # a pause's length
        ),
        min_size=1,
        max_size=60,
    ),
)
def test_reserve_while_not_paused_takes_a_shortcut_with_the_same_results(
    per_minute: int, burst: int, steps: list[tuple[str, float, float]]
) -> None:
    # reserve() skips the pause bounds when no pause is running; pauses start and end at
    # random here, so both paths and the moments between them are exercised.
    fake = _FakeTime()
    with patch("bpx_async._ratelimit._monotonic", fake):
        budget = Budget(per_minute, burst=burst)
        state = {"next": 0.0, "paused_until": 0.0}
        interval = 60 / per_minute
        for kind, gap, length in steps:
            fake.now += gap
            if kind == "pause":
                budget.pause(length)
                state["paused_until"] = max(state["paused_until"], fake.now + length)
            else:
                expected = _reference_reserve(state, fake.now, interval, interval * (burst - 1))
                assert budget.reserve() == pytest.approx(expected, abs=1e-9)
