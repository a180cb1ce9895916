"""The account's history: fills, orders, funding, settlements, interest and more."""

from __future__ import annotations

from ._base import Resource

__all__ = ["History"]


class History(Resource):
    """The account's history: fills, orders, funding, settlements, interest and more."""

    __slots__ = ()
