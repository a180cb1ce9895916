"""Helpers of the stream and order-book tests (``tests`` is on pythonpath)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bpx_async import AsyncClient
from bpx_async.streams import Stream, StreamItem

T = TypeVar("T")


def hard_timeout(seconds: float) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Any]]:
    """Decorate an async test so that it fails after ``seconds`` instead of hanging."""

    def wrap(test: Callable[..., Awaitable[T]]) -> Callable[..., Any]:
        @functools.wraps(test)
        async def run(*args: Any, **kwargs: Any) -> T:
            return await asyncio.wait_for(test(*args, **kwargs), seconds)

        return run

    return wrap


async def next_item(stream: Stream, timeout: float = 5.0) -> StreamItem:
    """The stream's next item, failing (not hanging) when none comes."""
    return await asyncio.wait_for(stream.__anext__(), timeout)


async def until(
    predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01
) -> None:
    """Poll ``predicate`` until it holds; TimeoutError after ``timeout`` seconds."""

    async def poll() -> None:
        while True:
            if predicate():
                return
            await asyncio.sleep(interval)

    await asyncio.wait_for(poll(), timeout)


async def items_until(
    stream: Stream, stop: Callable[[StreamItem], bool], timeout: float = 5.0
) -> list[StreamItem]:
    """Read items until ``stop(item)`` is true; returns all read, the last one included."""
    seen: list[StreamItem] = []

    async def read() -> None:
        async for item in stream:
            seen.append(item)
            if stop(item):
                return

    await asyncio.wait_for(read(), timeout)
    return seen


async def market(client: AsyncClient, symbol: str, side: str, quantity: str) -> Any:
    """Place a market order (it trades against the fake's seeded book)."""
    return await client.orders.execute(
        symbol=symbol, side=side, order_type="Market", quantity=quantity
    )


async def limit(client: AsyncClient, symbol: str, side: str, price: str, quantity: str) -> Any:
    return await client.orders.execute(
        symbol=symbol, side=side, order_type="Limit", price=price, quantity=quantity
    )
