"""A request's total time, bounded by shared deadlines: one timer per tick, never one per request,
and a caller's own cancellation never taken for a timeout."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import helpers, web
from support import serving

from bpx_async import AsyncClient, ResponseTimeoutError
from bpx_async._deadlines import COARSE_AFTER, FINE_TICK, Deadlines
from bpx_async.endpoints import markets
from bpx_async.testing import FakeExchange

_TICKER = {"symbol": "SOL_USDC"}


def _count_timers(loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The callbacks of every timer the loop is asked for from now on."""
    callbacks: list[Any] = []
    call_at = loop.call_at

    def counting(when: float, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        callbacks.append(callback)
        return call_at(when, callback, *args, **kwargs)

    monkeypatch.setattr(loop, "call_at", counting)
    return callbacks


# --- Deadlines ----------------------------------------------------------------------------


class _FrozenLoop:
    """Just enough of a loop to arm deadlines at a given time."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.timers: list[float] = []

    def time(self) -> float:
        return self.now

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any) -> None:
        self.timers.append(when)


@pytest.mark.parametrize(
    ("now", "seconds"),
    [(100.01, 10.0), (100.0, 6.0), (7.5, 5.01), (100.01, 0.3), (100.0, 0.05), (7.5, 5.0)],
)
def test_a_deadline_falls_due_on_its_tick_never_before_its_time(now: float, seconds: float) -> None:
    loop = _FrozenLoop(now)
    due = Deadlines(loop).arm(object(), seconds)  # type: ignore[arg-type]
    tick = 1.0 if seconds > COARSE_AFTER else FINE_TICK
    assert now + seconds <= due < now + seconds + tick
    assert loop.timers == [due]


async def test_requests_due_in_one_tick_share_one_timer_and_disarmed_ones_are_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loop = asyncio.get_running_loop()
    timers = _count_timers(loop, monkeypatch)
    deadlines = Deadlines(loop)
    tasks = [asyncio.create_task(asyncio.sleep(5)) for _ in range(50)]
    try:
        dues = [deadlines.arm(task, 0.1) for task in tasks]
        assert len(deadlines) == 50
        assert 1 <= len(timers) == len(set(dues)) <= 2  # arming may straddle a tick, no more
        for due, task in zip(dues, tasks, strict=True):
            deadlines.disarm(due, task)
        assert len(deadlines) == 0
        await asyncio.sleep(0.1 + 2 * FINE_TICK)  # past every tick
        assert not any(task.done() for task in tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_task_still_armed_at_its_tick_is_cancelled_by_the_deadline() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())

    async def request() -> str:
        task = asyncio.current_task()
        assert task is not None
        due = deadlines.arm(task, 0.05)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            assert deadlines.expired(task)
            if sys.version_info >= (3, 11):
                assert task.cancelling() == 0  # withdrawn: nothing else sees a cancellation
            return "timed out"
        finally:
            deadlines.disarm(due, task)
        return "answered"

    assert await asyncio.create_task(request()) == "timed out"
    assert len(deadlines) == 0 and not deadlines._expired


async def test_a_cancellation_from_elsewhere_is_never_taken_for_a_deadline() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    waiting = asyncio.Event()

    async def request() -> None:
        task = asyncio.current_task()
        assert task is not None
        due = deadlines.arm(task, 10)
        try:
            waiting.set()
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            assert not deadlines.expired(task)
            raise
        finally:
            deadlines.disarm(due, task)

    task = asyncio.create_task(request())
    await waiting.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(deadlines) == 0


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 counts no cancellations")
async def test_a_deadline_and_another_cancellation_at_once_leave_the_other_one() -> None:
    deadlines = Deadlines(asyncio.get_running_loop())
    armed: list[float] = []
    waiting = asyncio.Event()

    async def request() -> None:
        task = asyncio.current_task()
        assert task is not None
        armed.append(deadlines.arm(task, 10))
        try:
            waiting.set()
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            assert not deadlines.expired(task)  # the other cancellation is still asked for
            assert task.cancelling() == 1
            raise
        finally:
            deadlines.disarm(armed[0], task)

    task = asyncio.create_task(request())
    await waiting.wait()
    deadlines._fire(armed[0])  # the tick falls due ...
    task.cancel()  # ... and the caller cancels, before the task runs again
    with pytest.raises(asyncio.CancelledError):
        await task


# --- the pipeline -------------------------------------------------------------------------


async def test_a_request_arms_no_timer_of_its_own(
    fx: FakeExchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    armed: list[float] = []
    arm = Deadlines.arm

    def counting_arm(self: Deadlines, task: Any, seconds: float) -> float:
        armed.append(seconds)
        return arm(self, task, seconds)

    monkeypatch.setattr(Deadlines, "arm", counting_arm)
    async with AsyncClient(base_url=fx.base_url, rate_limiter=False, timeout=3) as client:
        await client.markets.ticker("SOL_USDC")  # the connection is made
        timers = _count_timers(asyncio.get_running_loop(), monkeypatch)
        for _ in range(40):
            await client.markets.ticker("SOL_USDC")
        deadlines = client._pipeline.session.deadlines
        assert deadlines is not None and len(deadlines) == 0
    assert armed == [3.0] * 41  # every request was bounded by the client's total
    own = [c for c in timers if isinstance(getattr(c, "__self__", None), helpers.TimeoutHandle)]
    shared = [c for c in timers if getattr(c, "__self__", None) is deadlines]
    assert own == []  # aiohttp's per-request total timer is never armed
    assert len(shared) <= 10  # one per 50 ms tick the 40 requests spanned, not one each


async def test_without_the_shared_deadlines_aiohttp_would_arm_one_timer_per_request(
    fx: FakeExchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the test above guards against, shown on a plain aiohttp session.
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
        timers = _count_timers(asyncio.get_running_loop(), monkeypatch)
        for _ in range(5):
            async with session.get(f"{fx.base_url}/api/v1/ticker?symbol=SOL_USDC") as answer:
                await answer.read()
    own = [c for c in timers if isinstance(getattr(c, "__self__", None), helpers.TimeoutHandle)]
    assert len(own) == 5


async def test_a_stalled_answer_times_out_with_a_call_s_own_timeout(fx: FakeExchange) -> None:
    fx.faults.add("delay", seconds=2, path="/api/v1/ticker")
    async with AsyncClient(base_url=fx.base_url, rate_limiter=False, max_retries=0) as client:
        with pytest.raises(ResponseTimeoutError, match="no answer in time"):
            await client.request(markets.TICKER, _TICKER, timeout=0.2)
        deadlines = client._pipeline.session.deadlines
        assert deadlines is not None and len(deadlines) == 0 and not deadlines._expired
        if sys.version_info >= (3, 11):
            task = asyncio.current_task()
            assert task is not None and task.cancelling() == 0


@pytest.fixture
async def half_body() -> AsyncIterator[str]:
    """A server that sends its headers and half of the body it announced, then stalls."""
    release = asyncio.Event()

    async def handle(request: web.Request) -> web.StreamResponse:
        answer = web.StreamResponse(headers={"Content-Type": "application/json"})
        answer.content_length = 100
        await answer.prepare(request)
        await answer.write(b'{"symbol": "SOL_USDC", ')
        await release.wait()
        return answer

    app = web.Application()
    app.router.add_get("/api/v1/ticker", handle)
    async with serving(app) as url:
        try:
            yield url
        finally:
            release.set()


async def test_an_answer_that_stalls_halfway_through_its_body_times_out(half_body: str) -> None:
    async with AsyncClient(base_url=half_body, rate_limiter=False, max_retries=0) as client:
        with pytest.raises(ResponseTimeoutError):
            await client.request(markets.TICKER, _TICKER, timeout=0.2)


async def test_the_callers_cancellation_of_a_request_stays_a_cancellation(
    fx: FakeExchange,
) -> None:
    fx.faults.add("delay", seconds=2, path="/api/v1/ticker")
    async with AsyncClient(base_url=fx.base_url, rate_limiter=False, timeout=0.5) as client:
        call = asyncio.create_task(client.markets.ticker("SOL_USDC"))
        await asyncio.sleep(0.1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        deadlines = client._pipeline.session.deadlines
        assert deadlines is not None and len(deadlines) == 0


async def test_the_callers_own_shorter_timeout_is_the_callers(fx: FakeExchange) -> None:
    fx.faults.add("delay", seconds=2, path="/api/v1/ticker")
    async with AsyncClient(base_url=fx.base_url, rate_limiter=False, timeout=5) as client:
        with pytest.raises(asyncio.TimeoutError) as info:
            await asyncio.wait_for(client.markets.ticker("SOL_USDC"), 0.1)
        assert not isinstance(info.value, ResponseTimeoutError)
