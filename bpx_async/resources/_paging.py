"""The result of a paged query: awaited, one page; iterated, every row of every page.

Backpack's history operations page with ``limit`` + ``offset``. The rules that walk the pages
(where to start, how many to ask for, when to stop) live here once, in :meth:`AsyncPager.pages`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ..client import AsyncClient
    from ..endpoints._spec import Endpoint

__all__ = ["DEFAULT_PAGE_SIZE", "AsyncPager"]

T = TypeVar("T")

#: Rows asked for per page when walking without a ``limit`` (the exchange's own default).
DEFAULT_PAGE_SIZE = 100


class AsyncPager(Generic[T]):
    """One paged query, with two ways to read it::

        page = await client.history.fills(symbol="SOL_USDC", limit=50)      # one request
        async for fill in client.history.fills(symbol="SOL_USDC", limit=50):  # every page
            ...

    Awaited, it sends the query once, exactly as given, and returns that page (at most ``limit``
    rows, from ``offset``). Iterated, it walks from ``offset`` (default 0) in pages of ``limit``
    rows (default 100) and stops after the first page that holds fewer rows than asked for (an
    empty page included); stop earlier with ``break``. Each ``await`` or ``async for`` sends its
    own requests. Parameters are validated when the first request is built, so bad input raises
    :class:`~bpx_async.errors.RequestValidationError` before anything is sent.

    The exchange pages by offset, not by cursor: rows that arrive or disappear during a walk
    shift later pages, so with the newest rows first a row can show up twice. Walk oldest first
    (``sort_direction="Asc"``) for a stable walk over settled history.
    """

    __slots__ = ("_client", "_endpoint", "_params")

    def __init__(
        self, client: AsyncClient, endpoint: Endpoint[list[T]], params: dict[str, Any]
    ) -> None:
        self._client = client
        self._endpoint = endpoint
        self._params = params

    def __repr__(self) -> str:
        return f"<AsyncPager {self._endpoint.name}>"

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self._client.request(self._endpoint, self._params).__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for row in page:
                yield row

    async def pages(self) -> AsyncIterator[list[T]]:
        """Every non-empty page in turn, as the exchange answered it."""
        limit = self._params.get("limit")
        if limit is None:
            limit = DEFAULT_PAGE_SIZE
        offset = self._params.get("offset")
        if offset is None:
            offset = 0
        while True:
            page = await self._client.request(
                self._endpoint, {**self._params, "limit": limit, "offset": offset}
            )
            if page:
                yield page
            if len(page) < limit:
                return
            offset += len(page)
