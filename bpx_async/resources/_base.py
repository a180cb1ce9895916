"""The base of resource groups: a resource holds the client and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import AsyncClient

__all__ = ["Resource"]


class Resource:
    """A group of operations named after a Backpack docs tag (``client.markets`` ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
