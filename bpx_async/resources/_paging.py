"""Walking ``limit``/``offset`` pages as one async iterator of rows.

Backpack's history endpoints page with ``limit`` + ``offset`` (REFERENCE 6.4). The stopping
rules live here once; every ``iter_*`` method of a resource is a thin wrapper over them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import RequestValidationError

if TYPE_CHECKING:
    from ..client import AsyncClient
    from ..endpoints._spec import Endpoint

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "FetchPage", "paginate", "paginate_endpoint"]

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
#: The largest ``limit`` the history endpoints accept.
MAX_PAGE_SIZE = 1000

#: Fetches one page: called as ``fetch_page(limit, offset)``.
FetchPage = Callable[[int, int], Awaitable[Sequence[T]]]


def _check_count(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestValidationError(f"{name} must be an integer, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise RequestValidationError(f"{name} must be {bounds}, got {value}")
    return value


def paginate(
    fetch_page: FetchPage[T],
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    start_offset: int = 0,
    max_items: int | None = None,
    max_page_size: int = MAX_PAGE_SIZE,
) -> AsyncIterator[T]:
    """Yield the rows of consecutive pages, from ``start_offset`` to the end.

    Asks for ``page_size`` rows at offsets ``start_offset``, ``+page_size``, ... and stops after
    the first page that holds fewer rows than asked for (an empty page included), or once
    ``max_items`` rows were yielded (the last request then asks only for what is still
    needed). The arguments are checked here, when the iterator is created, so a bad
    ``page_size`` raises :class:`RequestValidationError` before any request is sent.

    Rows that arrive or disappear while walking shift later pages (the API pages by offset,
    not by cursor): with the newest rows first, a row can show up twice; walk oldest first
    (``sort_direction="Asc"``) for a stable walk over settled history.
    """
    _check_count("page_size", page_size, 1, max_page_size)
    _check_count("offset", start_offset, 0)
    if max_items is not None:
        _check_count("max_items", max_items, 1)
    return _walk(fetch_page, page_size, start_offset, max_items)


async def _walk(
    fetch_page: FetchPage[T], page_size: int, offset: int, max_items: int | None
) -> AsyncIterator[T]:
    remaining = max_items
    while True:
        limit = page_size if remaining is None else min(page_size, remaining)
        page = await fetch_page(limit, offset)
        # A server that ignores ``limit`` must not push us past ``max_items``.
        rows = page if remaining is None else page[:remaining]
        for row in rows:
            yield row
        if len(page) < limit:
            return
        offset += len(page)
        if remaining is not None:
            remaining -= len(rows)
            if remaining <= 0:
                return


def paginate_endpoint(
    client: AsyncClient,
    endpoint: Endpoint[list[T]],
    filters: Mapping[str, Any],
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    start_offset: int = 0,
    max_items: int | None = None,
    max_page_size: int = MAX_PAGE_SIZE,
) -> AsyncIterator[T]:
    """:func:`paginate` over a list endpoint: ``filters`` plus ``limit``/``offset`` per page."""

    async def fetch_page(limit: int, offset: int) -> list[T]:
        return await client.request(endpoint, {**filters, "limit": limit, "offset": offset})

    return paginate(
        fetch_page,
        page_size=page_size,
        start_offset=start_offset,
        max_items=max_items,
        max_page_size=max_page_size,
    )
